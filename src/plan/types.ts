import type { ApiInput } from "../api/types.js";

/**
 * The plan: plain, serialisable, versioned data. `--format json` and `plan --out` write exactly this
 * object; `apply plan.json` reads it back. See contract §3.
 */

export type ChangeAction = "create" | "update" | "replace" | "recreate" | "delete";

/** Why an update is needed. `ownership` = the `_dataset` marker is missing or differs (adoption). */
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

export type Change = CreateChange | UpdateChange | ReplaceChange | RecreateChange | DeleteChange;

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  recreate: number;
  delete: number;
  unchanged: number;
  unmanaged: number;
}

export interface PlanTarget {
  api_base: string;
  user_id: string;
  app_id: string;
  /** True when the target is the embedded local app. */
  local?: boolean;
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
  /** Deletes first, then replace, recreate, create, update; each group sorted by id. */
  changes: Change[];
  /** What the live app held when the plan was made. Optional for older plan files. */
  live?: LiveStats;
}

/** The reserved metadata key that marks an input as written by `dataset`. */
export const OWNERSHIP_KEY = "_dataset";

export interface OwnershipMarker {
  manifest: string;
  sha256?: string;
}
