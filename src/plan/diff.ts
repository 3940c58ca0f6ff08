import type { ApiInput } from "../api/types.js";
import type { DesiredInput } from "../manifest/types.js";
import { readOwnershipMarker } from "./canonical.js";
import { compareInput, liveSourceUrl, needsImageHash } from "./compare.js";
import { indexStateOf } from "./input-status.js";
import { normaliseLiveInput, ownershipMarkerFor, toPlannedInput } from "./planned-input.js";
import {
  type Change,
  emptySummary,
  type LiveStats,
  OWNERSHIP_KEY,
  type PlanConflict,
  type PlanSummary,
  type UpdateReason,
} from "./types.js";
import { createUrlClaims } from "./url-claims.js";

/** Options of the diff: what the manifest declares and whether undeclared owned inputs go. */
export interface DiffOptions {
  /** The manifest's `name`: written into, and matched against, the ownership marker. */
  manifestName: string;
  desired: readonly DesiredInput[];
  prune: boolean;
  /** Absolute directory of the root manifest; file paths in the plan are relative to it. */
  manifestDir?: string;
}

/** What the diff found: the changes (unsorted), the counts and the posts the API would refuse. */
export interface DiffResult {
  changes: Change[];
  summary: PlanSummary;
  live: Required<LiveStats>;
  /** Sorted by declared id, then live id. */
  conflicts: PlanConflict[];
}

/** A streaming diff: feed live inputs as pages arrive, then `finish()` once. */
export interface Differ {
  /**
   * Takes the next live input. `verifiedSha256`: the sha256 of its bytes, when
   * {@link Differ.wantsImageHash} asked for it.
   */
  observe(live: ApiInput, verifiedSha256?: string): void;
  /**
   * Whether deciding this live input needs the sha256 of its bytes: it is declared as a file and
   * is a byte upload without a recorded sha256. Reading them is the caller's I/O.
   */
  wantsImageHash(live: ApiInput): boolean;
  finish(): DiffResult;
}

/**
 * Whether a live input's status says it failed to download or index: any code other than success,
 * pending or in progress (the same rule the applier uses when it waits for indexing).
 */
export function isFailedInputStatus(code: number | undefined): boolean {
  return code !== undefined && indexStateOf(code) === "failed";
}

/** What became of a declared input (by index); absent = not seen live yet, so a create. */
const SEEN_KEPT = 1;
/** Seen live, and the plan deletes and posts it again (replace, recreate). */
const SEEN_REPOSTED = 2;

/**
 * Creates the streaming diff. Memory holds the desired index, the declared URLs a post could
 * conflict on, a byte per declared input and the changes found, never the whole live app; every
 * live input costs one or two Map lookups.
 *
 * Decisions, per declared id seen live (first match wins), by {@link compareInput}:
 * - image differs (the URL of a URL input; the marker's sha256 of a file input) → replace;
 * - status is a failure (INPUT_FAILED and kin) → recreate;
 * - concepts or user metadata differ → update (with `ownership` when the marker differs too);
 * - only the marker differs: no marker at all → adopt; another manifest's or a malformed one →
 *   update (`ownership`), so that taking an input over from another manifest reads as a change;
 * - otherwise unchanged.
 * Undeclared live inputs owned by this manifest are deleted with `prune`; without it they are
 * counted in `live.prunable` (so the text can say `--prune` would delete them) and in neither
 * `delete` nor `unmanaged`. Every other undeclared input is `unmanaged`.
 *
 * Conflicts: a declared URL input without `allow_duplicate_url` that this plan posts (create,
 * replace, recreate) while a live input this plan keeps holds the same URL would be refused by the
 * API. A create that allows duplicates never conflicts (the API does not say whether the live
 * side allowed them, and it need not: only the posted input's flag counts).
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
  // The URLs a post could be refused for: declared URL inputs without allow_duplicate_url.
  const claims = createUrlClaims(desired.map(claimedUrl));
  const seen = new Uint8Array(desired.length);
  const deleted = new Set<string>();
  const changes: Change[] = [];
  const summary = emptySummary();
  const live = { total: 0, owned: 0, prunable: 0 };
  /** Live inputs this plan keeps whose URL a declared input may post, by URL; judged at the end. */
  const holders = new Map<string, { live_id: string; prunable: boolean }[]>();
  let finished = false;
  const plannedOptions =
    manifestDir === undefined ? { manifestName } : { manifestName, manifestDir };

  /** A live input that stays: remember it if a declared post may be refused for its URL. */
  function noteKeptUrl(input: ApiInput, selfIndex: number, prunable: boolean): void {
    const url = liveSourceUrl(input);
    if (url === undefined || !claims.mayClaim(url, selfIndex)) return;
    const list = holders.get(url);
    if (list === undefined) holders.set(url, [{ live_id: input.id, prunable }]);
    else list.push({ live_id: input.id, prunable });
  }

  function observeUndeclared(input: ApiInput): void {
    const owned = readOwnershipMarker(input.data?.metadata)?.manifest === manifestName;
    if (owned) live.owned++;
    if (!owned) {
      summary.unmanaged++;
      noteKeptUrl(input, -1, false);
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
      noteKeptUrl(input, -1, true);
    }
  }

  function observeDeclared(
    index: number,
    desired: DesiredInput,
    input: ApiInput,
    verifiedSha256: string | undefined,
  ): void {
    const marker = readOwnershipMarker(input.data?.metadata);
    if (marker?.manifest === manifestName) live.owned++;
    const differences = compareInput(
      input,
      {
        image: desired.image,
        concepts: desired.concepts,
        metadata: desired.metadata,
        marker: ownershipMarkerFor(desired, manifestName),
      },
      verifiedSha256,
    );
    // Built only for a change: most inputs of a large app are unchanged.
    const base = () => ({
      id: desired.id,
      ...originOf(desired),
      before: normaliseLiveInput(input),
      after: toPlannedInput(desired, plannedOptions),
      live_modified_at: input.modified_at ?? null,
    });
    if (differences.image) {
      seen[index] = SEEN_REPOSTED;
      summary.replace++;
      const reason = desired.image.kind === "url" ? "url" : "file";
      changes.push({ action: "replace", ...base(), reason });
      return;
    }
    if (isFailedInputStatus(input.status?.code)) {
      seen[index] = SEEN_REPOSTED;
      summary.recreate++;
      changes.push({ action: "recreate", ...base(), reason: "failed" });
      return;
    }
    noteKeptUrl(input, index, false);
    const reasons: UpdateReason[] = [];
    if (differences.concepts) reasons.push("concepts");
    if (differences.metadata) reasons.push("metadata");
    if (differences.marker) {
      if (reasons.length === 0 && input.data?.metadata?.[OWNERSHIP_KEY] === undefined) {
        summary.adopt++;
        changes.push({ action: "adopt", ...base() });
        return;
      }
      reasons.push("ownership");
    }
    if (reasons.length === 0) {
      summary.unchanged++;
      return;
    }
    summary.update++;
    changes.push({ action: "update", reasons, ...base() });
  }

  /** Creates and reposts (kept inputs post nothing) whose URL a live input keeps. */
  function conflicts(): PlanConflict[] {
    if (holders.size === 0) return [];
    const found = new Map<string, PlanConflict>();
    desired.forEach((input, index) => {
      const url = seen[index] === SEEN_KEPT ? undefined : claimedUrl(input);
      if (url === undefined) return;
      for (const holder of holders.get(url) ?? []) {
        if (holder.live_id === input.id) continue;
        found.set(JSON.stringify([input.id, holder.live_id]), { id: input.id, url, ...holder });
      }
    });
    return [...found.values()].sort(
      (a, b) => compareText(a.id, b.id) || compareText(a.live_id, b.live_id),
    );
  }

  return {
    wantsImageHash(input: ApiInput): boolean {
      const index = desiredIndex.get(input.id);
      if (index === undefined || seen[index] !== 0) return false;
      return needsImageHash((desired[index] as DesiredInput).image, input);
    },
    observe(input: ApiInput, verifiedSha256?: string): void {
      if (finished) throw new Error("observe() called after finish()");
      const index = desiredIndex.get(input.id);
      if (index === undefined) {
        if (deleted.has(input.id)) return;
        live.total++;
        observeUndeclared(input);
        return;
      }
      // A stream that repeats an id (concurrent writes) must not produce two changes.
      if (seen[index] !== 0) return;
      live.total++;
      seen[index] = SEEN_KEPT;
      observeDeclared(index, desired[index] as DesiredInput, input, verifiedSha256);
    },
    finish(): DiffResult {
      if (finished) throw new Error("finish() called twice");
      finished = true;
      desired.forEach((input, index) => {
        if (seen[index] !== 0) return;
        summary.create++;
        changes.push({
          action: "create",
          id: input.id,
          ...originOf(input),
          after: toPlannedInput(input, plannedOptions),
        });
      });
      return { changes, summary, live, conflicts: conflicts() };
    },
  };
}

/** The URL a declared input posts without `allow_duplicate_url`, trimmed; else undefined. */
function claimedUrl(input: DesiredInput): string | undefined {
  return input.image.kind === "url" && !input.allowDuplicateUrl
    ? input.image.url.trim()
    : undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
