import type { ApiConcept, ApiImage, ApiInput } from "../api/types.js";
import { OWNERSHIP_KEY } from "../manifest/types.js";
import { jsonEqual, readOwnershipMarker } from "./canonical.js";
import type { PlannedInput } from "./types.js";

/**
 * The one answer to "is this live input the input we declare?", used by the differ, the applier's
 * duplicate-id check and the renderers. Both sides are compared as the model of style.md: concepts
 * as a set of (id, value), metadata as canonical JSON without the reserved `_dataset` key, and the
 * image by identity (the URL of a URL input, the sha256 in the ownership marker of a file input).
 */

/** The image a declared input stands for: what identifies it, not how it is sent. */
export type DeclaredImage = { kind: "url"; url: string } | { kind: "file"; sha256: string };

/** What of a declared input is compared (a `DesiredInput` and a `PlannedInput` both provide it). */
export interface DeclaredInput {
  image: DeclaredImage;
  concepts: readonly { readonly id: string; readonly value: number }[];
  /** User metadata; a `_dataset` member, if any, is ignored. */
  metadata: Record<string, unknown>;
  /** The ownership marker apply writes. */
  marker: unknown;
}

/** Which parts of a live input differ from the declared one (`false` = equal). */
export interface InputDifferences {
  image: boolean;
  concepts: boolean;
  metadata: boolean;
  /** The `_dataset` marker is missing or not exactly the one apply writes. */
  marker: boolean;
}

/**
 * The URL a byte upload is served from: `hosted.prefix + "/orig/" + hosted.suffix` (datasets
 * reference §9(a)); undefined without `hosted` or with an empty prefix or suffix.
 */
export function hostedOriginalUrl(image: ApiImage | undefined): string | undefined {
  const prefix = image?.hosted?.prefix?.replace(/\/+$/, "");
  const suffix = image?.hosted?.suffix?.replace(/^\/+/, "");
  if (prefix === undefined || prefix === "" || suffix === undefined || suffix === "") {
    return undefined;
  }
  return `${prefix}/orig/${suffix}`;
}

/**
 * Whether a live input was uploaded as bytes rather than from a URL: it has no URL, its URL is the
 * API's hosted copy of the original (the real API echoes one for byte uploads), or its ownership
 * marker carries a sha256 (written only on file inputs). A URL input hosted by the API keeps its
 * own URL, which differs from the hosted one.
 */
export function isByteUpload(live: ApiInput): boolean {
  const url = live.data?.image?.url?.trim() ?? "";
  if (url === "") return true;
  if (url === hostedOriginalUrl(live.data?.image)) return true;
  return readOwnershipMarker(live.data?.metadata)?.sha256 !== undefined;
}

/** The URL a live input was created from, or undefined for a byte upload (whose URL is hosted). */
export function liveSourceUrl(live: ApiInput): string | undefined {
  return isByteUpload(live) ? undefined : live.data?.image?.url?.trim();
}

/**
 * Whether the live input holds the declared image. A file is the same image when the live marker
 * carries its sha256, whatever URL the API echoes for the uploaded bytes, or, for a byte upload
 * that carries no sha256 (one `dataset` did not write), when its bytes were fetched and hashed
 * (`verifiedSha256`, see {@link needsImageHash}); a URL is the same image only on an input created
 * from that URL, never on a byte upload's hosted URL.
 */
export function sameImage(
  declared: DeclaredImage,
  live: ApiInput,
  verifiedSha256?: string,
): boolean {
  if (declared.kind === "file") {
    const recorded = readOwnershipMarker(live.data?.metadata)?.sha256;
    if (recorded !== undefined) return recorded === declared.sha256;
    return verifiedSha256 === declared.sha256 && isByteUpload(live);
  }
  return liveSourceUrl(live) === declared.url.trim();
}

/**
 * Whether only the live image's bytes can tell if it is the declared file: a byte upload with no
 * sha256 in its marker (uploaded by another tool, and now declared, e.g. by `dataset export
 * --download`). The planner fetches and hashes those few instead of planning a replace.
 */
export function needsImageHash(declared: DeclaredImage, live: ApiInput): boolean {
  // The marker first: an input `dataset` wrote carries its sha256, and the hosted URL a byte
  // upload is told by takes string work (once per live input of a folder plan).
  return (
    declared.kind === "file" &&
    readOwnershipMarker(live.data?.metadata)?.sha256 === undefined &&
    isByteUpload(live)
  );
}

/** A live concept's value: a missing value is the API's default 1. */
function liveConceptValue(concept: { value?: number }): number {
  return Number(concept.value ?? 1);
}

/** Concepts as a map id → value (a missing value is the API's default 1). */
export function conceptValues(
  concepts: readonly { id: string; value?: number }[] | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of concepts ?? []) out.set(c.id, liveConceptValue(c));
  return out;
}

const SMALL_CONCEPT_LIST = 16;

/** Concepts as a set of (id, value): order never matters. Declared ids are distinct. */
export function sameConcepts(
  declared: DeclaredInput["concepts"],
  live: readonly ApiConcept[] | undefined,
): boolean {
  const listed = live ?? [];
  if (listed.length === declared.length && listed.length <= SMALL_CONCEPT_LIST) {
    // With distinct declared ids and equal lengths, "every declared concept is listed live with
    // its value" is set equality; short lists compare faster without a Map.
    for (const concept of declared) {
      const match = listed.find((c) => c.id === concept.id);
      if (match === undefined || liveConceptValue(match) !== concept.value) return false;
    }
    return true;
  }
  const values = conceptValues(listed);
  return values.size === declared.length && declared.every((c) => values.get(c.id) === c.value);
}

/** The user metadata, compared as JSON with the reserved `_dataset` key dropped on both sides. */
export function sameUserMetadata(
  declared: Record<string, unknown>,
  live: Record<string, unknown> | undefined,
): boolean {
  return jsonEqual(live ?? {}, declared, OWNERSHIP_KEY);
}

/**
 * Every difference between a live input and a declared one (`verifiedSha256`: the hashed bytes of
 * a byte upload without a recorded sha256, see {@link needsImageHash}).
 */
export function compareInput(
  live: ApiInput,
  declared: DeclaredInput,
  verifiedSha256?: string,
): InputDifferences {
  const metadata = live.data?.metadata;
  return {
    image: !sameImage(declared.image, live, verifiedSha256),
    concepts: !sameConcepts(declared.concepts, live.data?.concepts),
    metadata: !sameUserMetadata(declared.metadata, metadata),
    marker: !jsonEqual(metadata?.[OWNERSHIP_KEY], declared.marker),
  };
}

/** A planned input (the plan's `after`) as the compare sees it. */
export function declaredFromPlanned(planned: PlannedInput): DeclaredInput {
  const image = planned.data.image;
  return {
    image:
      "file" in image
        ? { kind: "file", sha256: image.file.sha256 }
        : { kind: "url", url: image.url },
    concepts: planned.data.concepts,
    metadata: planned.data.metadata,
    marker: planned.data.metadata[OWNERSHIP_KEY],
  };
}

/**
 * Whether a live input already is exactly what the plan would write, marker included: the
 * applier's check when a create is answered "duplicate ID" (an earlier, interrupted run may
 * have written it).
 */
export function liveMatchesPlanned(live: ApiInput, planned: PlannedInput): boolean {
  const d = compareInput(live, declaredFromPlanned(planned));
  return !d.image && !d.concepts && !d.metadata && !d.marker;
}
