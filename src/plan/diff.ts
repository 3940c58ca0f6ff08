import type { ApiConcept, ApiInput } from "../api/types.js";
import type { DesiredConcept, DesiredInput } from "../manifest/types.js";
import { jsonEqual, readOwnershipMarker } from "./canonical.js";
import { indexStateOf } from "./input-status.js";
import { normaliseLiveInput, ownershipMarkerFor, toPlannedInput } from "./planned-input.js";
import {
  type Change,
  type LiveStats,
  OWNERSHIP_KEY,
  type PlanSummary,
  type UpdateReason,
} from "./types.js";

/** Options of the diff: what the manifest declares and whether undeclared owned inputs go. */
export interface DiffOptions {
  /** The manifest's `name`: written into, and matched against, the ownership marker. */
  manifestName: string;
  desired: readonly DesiredInput[];
  prune: boolean;
  /** Absolute directory of the root manifest; file paths in the plan are relative to it. */
  manifestDir?: string;
}

/** What the diff found: the changes (unsorted) and the counts. */
export interface DiffResult {
  changes: Change[];
  summary: PlanSummary;
  live: Required<LiveStats>;
}

/** A streaming diff: feed live inputs as pages arrive, then `finish()` once. */
export interface Differ {
  observe(live: ApiInput): void;
  finish(): DiffResult;
}

/**
 * Whether a live input's status says it failed to download or index: any code other than success,
 * pending or in progress (the same rule the applier uses when it waits for indexing).
 */
export function isFailedInputStatus(code: number | undefined): boolean {
  return code !== undefined && indexStateOf(code) === "failed";
}

/** Concepts as a set of (id, value): order never matters; a missing live value is the API's 1. */
function sameConcepts(
  desired: readonly DesiredConcept[],
  live: readonly ApiConcept[] | undefined,
): boolean {
  const listed = live ?? [];
  if (listed.length === desired.length && listed.length <= SMALL_CONCEPT_LIST) {
    // Desired ids are distinct, so with equal lengths "every desired concept is listed live with
    // its value" is set equality; short lists compare faster without a Map.
    for (const concept of desired) {
      const match = listed.find((c) => c.id === concept.id);
      if (match === undefined || Number(match.value ?? 1) !== concept.value) return false;
    }
    return true;
  }
  const liveValues = new Map<string, number>();
  for (const c of listed) liveValues.set(c.id, Number(c.value ?? 1));
  if (liveValues.size !== desired.length) return false;
  return desired.every((c) => liveValues.get(c.id) === c.value);
}

const SMALL_CONCEPT_LIST = 16;

/**
 * Creates the streaming diff. Memory holds the desired index, the set of declared ids already seen
 * and the changes found, never the whole live app; every live input costs one Map lookup.
 *
 * Decisions, per declared id seen live (first match wins):
 * - image differs (URL for url inputs; for file inputs the marker's sha256, and no URL) → replace;
 * - status is a failure (INPUT_FAILED and kin) → recreate;
 * - concepts, user metadata or the ownership marker differ → update (marker only = adoption);
 * - otherwise unchanged.
 * Undeclared live inputs owned by this manifest are deleted with `prune`; without it they are
 * counted in `live.prunable` (so the text can say `--prune` would delete them) and in neither
 * `delete` nor `unmanaged`. Every other undeclared input is `unmanaged`.
 */
export function createDiffer(options: DiffOptions): Differ {
  const { manifestName, prune, manifestDir } = options;
  const { desired } = options;
  // Index by position, and mark seen ids in a byte array: a million ids cost one Map, not two.
  const desiredIndex = new Map<string, number>();
  desired.forEach((input, index) => {
    if (desiredIndex.has(input.id))
      throw new Error(`duplicate desired input id ${JSON.stringify(input.id)}`);
    desiredIndex.set(input.id, index);
  });
  const seen = new Uint8Array(desired.length);
  const deleted = new Set<string>();
  const changes: Change[] = [];
  const summary: PlanSummary = {
    create: 0,
    update: 0,
    replace: 0,
    recreate: 0,
    delete: 0,
    unchanged: 0,
    unmanaged: 0,
  };
  const live = { total: 0, owned: 0, prunable: 0 };
  let finished = false;
  const plannedOptions =
    manifestDir === undefined ? { manifestName } : { manifestName, manifestDir };

  function observeUndeclared(input: ApiInput): void {
    const owned = readOwnershipMarker(input.data?.metadata)?.manifest === manifestName;
    if (owned) live.owned++;
    if (!owned) {
      summary.unmanaged++;
    } else if (prune) {
      deleted.add(input.id);
      summary.delete++;
      changes.push({
        action: "delete",
        id: input.id,
        before: normaliseLiveInput(input),
        live_modified_at: input.modified_at ?? null,
      });
    } else {
      live.prunable++;
    }
  }

  function observeDeclared(desired: DesiredInput, input: ApiInput): void {
    const metadata = input.data?.metadata;
    const marker = readOwnershipMarker(metadata);
    if (marker?.manifest === manifestName) live.owned++;
    const liveUrl = input.data?.image?.url?.trim() ?? "";
    const sameImage =
      desired.image.kind === "url"
        ? liveUrl === desired.image.url.trim()
        : liveUrl === "" && marker?.sha256 === desired.image.sha256;
    const base = {
      id: desired.id,
      ...originOf(desired),
      live_modified_at: input.modified_at ?? null,
    };
    if (!sameImage) {
      summary.replace++;
      changes.push({
        action: "replace",
        ...base,
        reason: desired.image.kind === "url" ? "url" : "file",
        before: normaliseLiveInput(input),
        after: toPlannedInput(desired, plannedOptions),
      });
      return;
    }
    if (isFailedInputStatus(input.status?.code)) {
      summary.recreate++;
      changes.push({
        action: "recreate",
        ...base,
        reason: "failed",
        before: normaliseLiveInput(input),
        after: toPlannedInput(desired, plannedOptions),
      });
      return;
    }
    const reasons: UpdateReason[] = [];
    if (!sameConcepts(desired.concepts, input.data?.concepts)) reasons.push("concepts");
    if (!jsonEqual(metadata ?? {}, desired.metadata, OWNERSHIP_KEY)) reasons.push("metadata");
    if (!jsonEqual(metadata?.[OWNERSHIP_KEY], ownershipMarkerFor(desired, manifestName))) {
      reasons.push("ownership");
    }
    if (reasons.length === 0) {
      summary.unchanged++;
      return;
    }
    summary.update++;
    changes.push({
      action: "update",
      id: desired.id,
      ...originOf(desired),
      reasons,
      before: normaliseLiveInput(input),
      after: toPlannedInput(desired, plannedOptions),
      live_modified_at: base.live_modified_at,
    });
  }

  return {
    observe(input: ApiInput): void {
      if (finished) throw new Error("observe() called after finish()");
      const index = desiredIndex.get(input.id);
      if (index === undefined) {
        if (deleted.has(input.id)) return;
        live.total++;
        observeUndeclared(input);
        return;
      }
      // A stream that repeats an id (concurrent writes) must not produce two changes.
      if (seen[index] === 1) return;
      live.total++;
      seen[index] = 1;
      observeDeclared(desired[index] as DesiredInput, input);
    },
    finish(): DiffResult {
      if (finished) throw new Error("finish() called twice");
      finished = true;
      desired.forEach((input, index) => {
        if (seen[index] === 1) return;
        summary.create++;
        changes.push({
          action: "create",
          id: input.id,
          ...originOf(input),
          after: toPlannedInput(input, plannedOptions),
        });
      });
      return { changes, summary, live };
    },
  };
}

/** A source input's origin, for the change that plans it. */
function originOf(desired: DesiredInput): { origin?: string } {
  return desired.origin === undefined ? {} : { origin: desired.origin };
}

/** The diff over a whole live listing at once (a wrapper over {@link createDiffer}). */
export function diffInputs(options: DiffOptions & { live: Iterable<ApiInput> }): DiffResult {
  const differ = createDiffer(options);
  for (const input of options.live) differ.observe(input);
  return differ.finish();
}
