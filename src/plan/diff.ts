import type { ApiInput } from "../api/types.js";
import { DesiredIndex } from "../manifest/desired-index.js";
import { canonicalText, conceptsPart, inputKey } from "../manifest/input-key.js";
import { KeyFingerprinter } from "../manifest/key-fingerprint.js";
import type { DesiredInput } from "../manifest/types.js";
import { readOwnershipMarker } from "./canonical.js";
import {
  type DeclaredImage,
  hostedOriginalUrl,
  liveSourceUrl,
  needsImageHash,
  sameImage,
} from "./compare.js";
import { indexStateOf } from "./input-status.js";
import { normaliseLiveInput, toPlannedInput } from "./planned-input.js";
import {
  type Change,
  emptySummary,
  type LiveStats,
  OWNERSHIP_KEY,
  type PlanConflict,
  type PlanSummary,
  type UpdateReason,
} from "./types.js";
import { createUrlClaims, type UrlClaims } from "./url-claims.js";

/** Options of the diff: what the manifest declares and whether undeclared owned inputs go. */
export interface DiffOptions {
  /** The manifest's `name`: written into, and matched against, the ownership marker. */
  manifestName: string;
  /** The declared inputs (an array is indexed first). */
  desired: DesiredIndex | readonly DesiredInput[];
  /**
   * The index is still being filled (a loader on another thread): call
   * {@link Differ.desiredAdded} after each addition and {@link Differ.desiredComplete} once.
   */
  loading?: boolean;
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
  /**
   * Matches live inputs held back for ids the index did not have yet. Returns the ones that need
   * their bytes hashed first ({@link Differ.wantsImageHash}): the caller hashes them and passes
   * them to `observe` again.
   */
  desiredAdded(): ApiInput[];
  /** The index is complete: live inputs still held back are undeclared. */
  desiredComplete(): void;
  /** Live inputs held back for ids not declared yet (while the index is loading). */
  readonly pending: number;
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
 * Creates the streaming diff. Memory holds the compact desired index, a byte per declared input
 * and the changes found, never the whole live app; every live input costs a Map lookup and, when
 * declared, one string comparison of its concepts and metadata.
 *
 * Decisions, per declared id seen live (first match wins):
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
 * While the index is loading, a live input whose id is not declared yet is held back until the
 * id arrives or the index is complete; the decisions do not depend on which came first.
 *
 * Conflicts: a declared URL input without `allow_duplicate_url` that this plan posts (create,
 * replace, recreate) while a live input this plan keeps holds the same URL would be refused by the
 * API. A create that allows duplicates never conflicts (the API does not say whether the live
 * side allowed them, and it need not: only the posted input's flag counts).
 */
export function createDiffer(options: DiffOptions): Differ {
  const { manifestName, prune, manifestDir } = options;
  const desired =
    options.desired instanceof DesiredIndex
      ? options.desired
      : DesiredIndex.of(options.desired as readonly DesiredInput[]);
  let complete = options.loading !== true;
  // Grows with the index: one byte per declared input.
  let seen = new Uint8Array(Math.max(desired.size, 1024));
  /**
   * Live inputs held back until their id is declared or the index is complete, as listed (a
   * stream may repeat an id under concurrent writes: a declared id is decided by its first
   * listing, an undeclared one counts each, as when it is not held). How many are held at most
   * is the reader's to say (live-plan.ts waits for the loader beyond that).
   */
  const held = new Map<string, ApiInput[]>();
  /** Declared inputs below this position were matched against the held ones. */
  let matchedUpTo = desired.size;
  const deleted = new Set<string>();
  const changes: Change[] = [];
  const summary = emptySummary();
  const live = { total: 0, owned: 0, prunable: 0 };
  /** Undeclared live inputs this plan keeps whose URL a declared input may post, by URL. */
  const holders = new Map<string, { live_id: string; prunable: boolean }[]>();
  /** The declared URLs a post could be refused for; built once an undeclared input stays. */
  let claims: UrlClaims | undefined;
  let finished = false;
  const fingerprinter = new KeyFingerprinter();
  const plannedOptions =
    manifestDir === undefined ? { manifestName } : { manifestName, manifestDir };
  // The marker apply writes, as canonical text (its keys are in sorted order already).
  const manifestText = JSON.stringify(manifestName);
  const markers = {
    url: `{"manifest":${manifestText}}`,
    file: (sha256: string) => `{"manifest":${manifestText},"sha256":${JSON.stringify(sha256)}}`,
  };

  function seenAt(index: number): number {
    return index < seen.length ? (seen[index] as number) : 0;
  }

  function setSeen(index: number, value: number): void {
    if (index >= seen.length) {
      const grown = new Uint8Array(Math.max(seen.length * 2, index + 1));
      grown.set(seen);
      seen = grown;
    }
    seen[index] = value;
  }

  /** An undeclared live input that stays: remember it if a declared post may claim its URL. */
  function noteKeptUrl(input: ApiInput, prunable: boolean): void {
    const url = liveSourceUrl(input);
    if (url === undefined) return;
    claims ??= createUrlClaims(
      Array.from({ length: desired.size }, (_, i) => desired.claimedUrlAt(i)),
    );
    if (!claims.mayClaim(url, -1)) return;
    const list = holders.get(url);
    if (list === undefined) holders.set(url, [{ live_id: input.id, prunable }]);
    else list.push({ live_id: input.id, prunable });
  }

  function observeUndeclared(input: ApiInput): void {
    live.total++;
    const owned = readOwnershipMarker(input.data?.metadata)?.manifest === manifestName;
    if (owned) live.owned++;
    if (!owned) {
      summary.unmanaged++;
      noteKeptUrl(input, false);
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
      noteKeptUrl(input, true);
    }
  }

  /** The full comparison of a declared input's first live listing. */
  function observeDeclared(
    index: number,
    input: ApiInput,
    verifiedSha256: string | undefined,
  ): void {
    setSeen(index, SEEN_KEPT);
    const metadata = input.data?.metadata;
    if (readOwnershipMarker(metadata)?.manifest === manifestName) live.owned++;
    const isFile = desired.isFile(index);
    const image = desired.imageAt(index);
    const expectedMarker = isFile ? markers.file(image) : markers.url;
    const rawMarker = metadata?.[OWNERSHIP_KEY];
    const marker = rawMarker === undefined ? undefined : canonicalText(rawMarker);
    fingerprinter.of(input.data?.concepts, metadata, OWNERSHIP_KEY);
    const sameKey = desired.hasKeyFingerprint(index, fingerprinter.lo, fingerprinter.hi);
    const failed = isFailedInputStatus(input.status?.code);
    const declared: DeclaredImage = isFile
      ? { kind: "file", sha256: image }
      : { kind: "url", url: image };
    const imageDiffers = !sameImage(declared, input, verifiedSha256);
    if (!imageDiffers && !failed && sameKey && marker === expectedMarker) {
      summary.unchanged++;
      return;
    }
    // Built only for a change: most inputs of a large app are unchanged.
    const base = () => {
      const planned = desired.inputAt(index);
      const origin = desired.originAt(index);
      return {
        id: planned.id,
        ...(origin === undefined ? {} : { origin }),
        before: normaliseLiveInput(input),
        after: toPlannedInput(planned, plannedOptions),
        live_modified_at: input.modified_at ?? null,
      };
    };
    if (imageDiffers) {
      setSeen(index, SEEN_REPOSTED);
      summary.replace++;
      changes.push({
        action: "replace",
        ...base(),
        reason: isFile ? "file" : "url",
      });
      return;
    }
    if (failed) {
      setSeen(index, SEEN_REPOSTED);
      summary.recreate++;
      changes.push({ action: "recreate", ...base(), reason: "failed" });
      return;
    }
    const reasons: UpdateReason[] = [];
    if (!sameKey) {
      const key = desired.keyAt(index);
      const liveKey = inputKey(input.data?.concepts, metadata, OWNERSHIP_KEY);
      const concepts = conceptsPart(key);
      const liveConcepts = conceptsPart(liveKey);
      if (liveConcepts !== concepts) reasons.push("concepts");
      if (liveKey.slice(liveConcepts.length) !== key.slice(concepts.length))
        reasons.push("metadata");
    }
    if (marker !== expectedMarker) {
      if (reasons.length === 0 && marker === undefined) {
        summary.adopt++;
        changes.push({ action: "adopt", ...base() });
        return;
      }
      reasons.push("ownership");
    }
    summary.update++;
    changes.push({ action: "update", reasons, ...base() });
  }

  /**
   * Whether a live input is exactly what apply writes for declared input `index`: its URL (or
   * the marker's sha256), concepts in the order apply sends them, the key's metadata and the
   * marker apply writes. Cheap (no text is built), and true only for an unchanged input; anything
   * else — concepts in another order, a failed status — is decided by the full comparison.
   */
  function asWritten(index: number, input: ApiInput): boolean {
    const data = input.data;
    if (data === undefined || isFailedInputStatus(input.status?.code)) return false;
    const isFile = desired.isFile(index);
    if (!isFile) {
      const url = data.image?.url;
      if (url === undefined) return false;
      // Compared in place first: nearly always the very text declared.
      if (!desired.hasImage(index, url) && url.trim() !== desired.imageAt(index).trim()) {
        return false;
      }
      // A hosted original's URL holds "/orig/" (checked first: building it costs a string).
      if (url.includes("/orig/") && url === hostedOriginalUrl(data.image)) return false;
    }
    const sha256 = isFile ? desired.imageAt(index) : undefined;
    if (!isMarkerAsWritten(data.metadata?.[OWNERSHIP_KEY], sha256)) {
      return false;
    }
    if (!fingerprinter.start().addConceptsAsListed(data.concepts)) return false;
    fingerprinter.addMetadata(data.metadata, OWNERSHIP_KEY).finish();
    return desired.hasKeyFingerprint(index, fingerprinter.lo, fingerprinter.hi);
  }

  /** Whether `marker` is the one apply writes: this manifest's name, and a file's sha256. */
  function isMarkerAsWritten(marker: unknown, sha256: string | undefined): boolean {
    if (typeof marker !== "object" || marker === null || Array.isArray(marker)) return false;
    const fields = marker as Record<string, unknown>;
    let count = 0;
    for (const _ in fields) count++;
    if (fields.manifest !== manifestName) return false;
    return sha256 === undefined ? count === 1 : count === 2 && fields.sha256 === sha256;
  }

  function hold(input: ApiInput): void {
    const listed = held.get(input.id);
    if (listed === undefined) held.set(input.id, [input]);
    else listed.push(input);
  }

  /** Decides a declared input's first live listing. */
  function decide(index: number, input: ApiInput, verifiedSha256: string | undefined): void {
    live.total++;
    if (asWritten(index, input)) {
      setSeen(index, SEEN_KEPT);
      live.owned++;
      summary.unchanged++;
      return;
    }
    observeDeclared(index, input, verifiedSha256);
  }

  /**
   * The declared position of a live input's id. The last answer is kept: a folder plan asks
   * {@link wantsImageHash} and then {@link Differ.observe} about each live input in turn (a
   * lookup hashes the id). It holds while the index has not grown (an id missing may arrive).
   */
  let lastId: string | undefined;
  let lastSize = -1;
  let lastIndex: number | undefined;
  function indexOfId(id: string): number | undefined {
    const size = desired.size;
    if (id !== lastId || size !== lastSize) {
      lastIndex = desired.indexOf(id);
      lastId = id;
      lastSize = size;
    }
    return lastIndex;
  }

  function wantsImageHash(input: ApiInput): boolean {
    const index = indexOfId(input.id);
    if (index === undefined || seenAt(index) !== 0 || !desired.isFile(index)) return false;
    return needsImageHash({ kind: "file", sha256: desired.imageAt(index) }, input);
  }

  /** Posted inputs whose URL a live input this plan keeps holds: refused by the API. */
  function conflicts(): PlanConflict[] {
    const posted = new Map<string, number[]>();
    for (let index = 0; index < desired.size; index++) {
      if (seenAt(index) === SEEN_KEPT) continue;
      const url = desired.claimedUrlAt(index);
      if (url === undefined) continue;
      const list = posted.get(url);
      if (list === undefined) posted.set(url, [index]);
      else list.push(index);
    }
    if (posted.size === 0) return [];
    const found = new Map<string, PlanConflict>();
    const add = (index: number, url: string, holder: { live_id: string; prunable: boolean }) => {
      const id = desired.idAt(index);
      if (holder.live_id === id) return;
      found.set(JSON.stringify([id, holder.live_id]), { id, url, ...holder });
    };
    // Declared inputs kept live hold their declared URL (a kept URL input's image is the same).
    for (let index = 0; index < desired.size; index++) {
      if (seenAt(index) !== SEEN_KEPT || desired.isFile(index)) continue;
      const url = desired.imageAt(index).trim();
      for (const poster of posted.get(url) ?? []) {
        add(poster, url, { live_id: desired.idAt(index), prunable: false });
      }
    }
    for (const [url, list] of holders) {
      for (const poster of posted.get(url) ?? [])
        for (const holder of list) add(poster, url, holder);
    }
    return [...found.values()].sort(
      (a, b) => compareText(a.id, b.id) || compareText(a.live_id, b.live_id),
    );
  }

  return {
    wantsImageHash,
    get pending() {
      return held.size;
    },
    observe(input: ApiInput, verifiedSha256?: string): void {
      if (finished) throw new Error("observe() called after finish()");
      const index = indexOfId(input.id);
      if (index === undefined) {
        if (!complete) {
          hold(input);
          return;
        }
        if (deleted.has(input.id)) return;
        observeUndeclared(input);
        return;
      }
      // A stream that repeats an id (concurrent writes) must not produce two changes.
      if (seenAt(index) !== 0) return;
      decide(index, input, verifiedSha256);
    },
    desiredAdded(): ApiInput[] {
      const toHash: ApiInput[] = [];
      const added = desired.size;
      for (let index = matchedUpTo; index < added; index++) {
        if (held.size === 0) break;
        const id = desired.idAt(index);
        const listed = held.get(id);
        if (listed === undefined) continue;
        held.delete(id);
        // A repeated listing of a declared id is dropped: its first decides.
        const first = listed[0] as ApiInput;
        if (wantsImageHash(first)) toHash.push(first);
        else decide(index, first, undefined);
      }
      matchedUpTo = added;
      return toHash;
    },
    desiredComplete(): void {
      if (matchedUpTo < desired.size)
        throw new Error("desiredAdded() must run before desiredComplete()");
      complete = true;
      for (const [id, listed] of held) {
        held.delete(id);
        for (const listing of listed) {
          if (deleted.has(id)) break;
          observeUndeclared(listing);
        }
      }
    },
    finish(): DiffResult {
      if (finished) throw new Error("finish() called twice");
      if (!complete) throw new Error("finish() called before desiredComplete()");
      finished = true;
      for (let index = 0; index < desired.size; index++) {
        if (seenAt(index) !== 0) continue;
        const input = desired.inputAt(index);
        summary.create++;
        changes.push({
          action: "create",
          id: input.id,
          ...(input.origin === undefined ? {} : { origin: input.origin }),
          after: toPlannedInput(input, plannedOptions),
        });
      }
      return { changes, summary, live, conflicts: conflicts() };
    },
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The diff over a whole live listing at once (a wrapper over {@link createDiffer}). */
export function diffInputs(options: DiffOptions & { live: Iterable<ApiInput> }): DiffResult {
  const differ = createDiffer(options);
  for (const input of options.live) differ.observe(input);
  return differ.finish();
}
