/**
 * `dataset` as a library: load a manifest, read a live app, plan, render and apply — the same
 * pieces the CLI is made of.
 */

export {
  type ApiClient,
  type ClientOptions,
  type ClientStats,
  createClient,
} from "./api/client.js";
export type { CallOptions, InputsApi } from "./api/client-types.js";
export { ApiError, NetworkError } from "./api/errors.js";
export * from "./api/types.js";
export { type ApplyOptions, applyPlan } from "./apply/executor.js";
export { checkMassDelete } from "./apply/guard.js";
export { findStaleReasons } from "./apply/stale.js";
export type { ApplyEvent, ApplyFailure, ApplyReport, ApplyStop } from "./apply/types.js";
export { waitForIndexing } from "./apply/wait.js";
export {
  type EmulatorHandle,
  type EmulatorOptions,
  seedStore,
  startEmulator,
} from "./emulator/index.js";
export type { DesiredIndex } from "./manifest/desired-index.js";
export { formatProblem, loadManifest } from "./manifest/load.js";
export type { Manifest } from "./manifest/manifest.js";
export type { DesiredInput, ManifestProblem } from "./manifest/types.js";
export * from "./plan/index.js";
