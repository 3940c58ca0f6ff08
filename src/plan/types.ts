import type { ApiInput } from "../api/types.js";

/**
 * The plan: plain, serialisable, versioned data. `--format json` and `plan --out` write exactly this
 * object; `apply plan.json` reads it back. See contract §3.
 */

export type ChangeAction = "create" | "update" | "adopt" | "replace" | "recreate" | "delete";

/**
 * Why an update is needed. `ownership` = the `_dataset` marker is missing or differs: another
 * manifest's, or not exactly the one apply writes. (An input whose only difference is a missing
 * marker is an `adopt`, not an update.)
 */
export type UpdateReason = "concepts" | "metadata" | "ownership";

/** Why a replace is needed: the image URL changed, or the file's content (sha256) changed. */
export type ReplaceReason = "url" | "file";

/**
 * The image of a desired input as the plan records it. URL inputs use the API shape
 * (`{url, allow_duplicate_url}`); file inputs carry the file's path (relative to the root
 * manifest's directory, `/`-separated) and its sha256, never the bytes.
 */
export interface PlannedFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * An input in the API's JSON shape as apply will write it. For file inputs `data.image` holds
 * `{ file: PlannedFile }` instead of `base64`; the applier reads and encodes the file batch by batch.
 * `data.metadata` includes the `_dataset` ownership marker.
 */
export interface PlannedInput {
  id: string;
  data: {
    image: { url: string; allow_duplicate_url?: boolean } | { file: PlannedFile };
    concepts: { id: string; value: number }[];
    metadata: Record<string, unknown>;
  };
}

/** Where a source input's data came from (`images/cat/1.jpg`, `labels.csv:1042`); see DesiredInput. */
interface FromSource {
  origin?: string;
}

export interface CreateChange extends FromSource {
  action: "create";
  id: string;
  after: PlannedInput;
}

export interface UpdateChange extends FromSource {
  action: "update";
  id: string;
  reasons: UpdateReason[];
  /** The live input (normalised: no hosted/image_info noise). */
  before: ApiInput;
  after: PlannedInput;
  live_modified_at: string | null;
}

/**
 * An input that already holds the declared image, concepts and metadata but carries no ownership
 * marker: apply only adds the marker (the same overwrite patch as an update).
 */
export interface AdoptChange extends FromSource {
  action: "adopt";
  id: string;
  before: ApiInput;
  after: PlannedInput;
  live_modified_at: string | null;
}

export interface ReplaceChange extends FromSource {
  action: "replace";
  id: string;
  reason: ReplaceReason;
  before: ApiInput;
  after: PlannedInput;
  live_modified_at: string | null;
}

export interface RecreateChange extends FromSource {
  action: "recreate";
  id: string;
  reason: "failed";
  before: ApiInput;
  after: PlannedInput;
  live_modified_at: string | null;
}

export interface DeleteChange {
  action: "delete";
  id: string;
  before: ApiInput;
  live_modified_at: string | null;
}

export type Change =
  | CreateChange
  | UpdateChange
  | AdoptChange
  | ReplaceChange
  | RecreateChange
  | DeleteChange;

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  recreate: number;
  delete: number;
  adopt: number;
  unchanged: number;
  unmanaged: number;
}

/** The summary's keys in their one order (JSON output, the markdown table, the schema). */
export const SUMMARY_KEYS = [
  "create",
  "update",
  "replace",
  "recreate",
  "delete",
  "adopt",
  "unchanged",
  "unmanaged",
] as const satisfies readonly (keyof PlanSummary)[];

/** A summary with every count at zero. */
export function emptySummary(): PlanSummary {
  return {
    create: 0,
    update: 0,
    replace: 0,
    recreate: 0,
    delete: 0,
    adopt: 0,
    unchanged: 0,
    unmanaged: 0,
  };
}

/**
 * A create, replace or recreate that the API would refuse: it posts `url` without
 * `allow_duplicate_url` while the live input `live_id` keeps that URL after this apply.
 */
export interface PlanConflict {
  /** The declared input that would be posted. */
  id: string;
  url: string;
  /** The live input that holds the URL and that this plan leaves in place. */
  live_id: string;
  /** The live input is owned by this manifest and no longer declared: `--prune` deletes it. */
  prunable: boolean;
}

export interface PlanTarget {
  api_base: string;
  user_id: string;
  app_id: string;
  /** True when the target is the embedded local app. */
  local?: boolean;
  /** Where each value came from, to say so beside the plan. Optional: older plan files lack it. */
  source?: PlanTargetSource;
}

/**
 * Where a target value came from: a flag, an env var, the manifest's `app:`, or a default (the
 * default API base; for the embedded local app, user `local` and an app named after the manifest).
 * For the local app's `api_base`, `flag` means `--local` and `default` that no credentials were given.
 */
export type TargetSource = "flag" | "env" | "manifest" | "default";

/** The provenance recorded in a plan's `target.source`. */
export interface PlanTargetSource {
  api_base: TargetSource;
  user_id: TargetSource;
  app_id: TargetSource;
}

/**
 * What the live app held when the plan was made: all inputs listed, and those carrying this
 * manifest's ownership marker (the mass-delete guard of a saved plan needs them). `prunable`
 * counts the owned inputs no longer declared but kept because `--prune` was not given
 * (`--prune` would delete them); they count in neither `summary.delete` nor `summary.unmanaged`.
 */
export interface LiveStats {
  total: number;
  owned: number;
  prunable?: number;
}

export interface Plan {
  format_version: 1;
  manifest: { path: string; name: string; sha256: string };
  target: PlanTarget;
  options: { prune: boolean };
  summary: PlanSummary;
  /** Deletes first, then replace, recreate, create, update, adopt; each group sorted by id. */
  changes: Change[];
  /** What the live app held when the plan was made. Optional for older plan files. */
  live?: LiveStats;
  /** Posts the API would refuse (a URL a live input keeps); present only when there are any. */
  conflicts?: PlanConflict[];
}

export { OWNERSHIP_KEY } from "../manifest/types.js";

export interface OwnershipMarker {
  manifest: string;
  sha256?: string;
}
