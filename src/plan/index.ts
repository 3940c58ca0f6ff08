/**
 * The pure planner and its renderers: no I/O below this directory but the injected API client of
 * `planLiveApp` and the package's own schema/plan.schema.json, read once to check saved plans.
 */
export { canonicalJson, readOwnershipMarker, sortKeysDeep, userMetadata } from "./canonical.js";
export {
  compareInput,
  conceptValues,
  type DeclaredImage,
  type DeclaredInput,
  declaredFromPlanned,
  hostedOriginalUrl,
  type InputDifferences,
  isByteUpload,
  liveMatchesPlanned,
  liveSourceUrl,
  sameConcepts,
  sameImage,
  sameUserMetadata,
} from "./compare.js";
export {
  type ConflictReport,
  conflictHint,
  conflictLine,
  refuseConflictingPlan,
  reportConflicts,
} from "./conflicts.js";
export {
  createDiffer,
  type Differ,
  type DiffOptions,
  type DiffResult,
  diffInputs,
  isFailedInputStatus,
} from "./diff.js";
export {
  type EstimateOptions,
  estimateRequests,
  formatCount,
  formatDuration,
  formatEstimate,
  type RequestEstimate,
} from "./estimate.js";
export { type IndexState, indexStateOf } from "./input-status.js";
export { liveImageHasher } from "./live-image-hash.js";
export { type LivePlan, type LivePlanRequest, planLiveApp } from "./live-plan.js";
export { parsePlanJson } from "./parse-plan.js";
export { ACTION_ORDER, buildPlan, compareChanges, type PlanHeader } from "./plan.js";
export { apiBaseOf, describeTarget, locationOf, type TargetLocation } from "./plan-target.js";
export {
  normaliseLiveInput,
  ownershipMarkerFor,
  relativePosixPath,
  toPlannedInput,
} from "./planned-input.js";
export { renderPlanJson, renderPlanJsonChunks } from "./render-json.js";
export {
  escapeMarkdown,
  GITHUB_COMMENT_LIMIT,
  type MarkdownRenderOptions,
  renderPlanMarkdown,
} from "./render-markdown.js";
export { renderPlanText, renderPlanTextChunks, type TextRenderOptions } from "./render-text.js";
export * from "./types.js";
