/**
 * Turns a live input into the manifest entry that declares it (pure). The entry has exactly the
 * fields of a YAML input, so the same object is a YAML list item or a JSONL line.
 */
import type { ApiImage, ApiInput, JsonObject } from "../api/types.js";
import { readOwnershipMarker, userMetadata } from "../plan/canonical.js";
import { hostedOriginalUrl } from "../plan/compare.js";

/** A concept as a manifest writes it: the shorthand id for value 1, `{id, value: 0}` otherwise. */
type ExportedConcept = string | { id: string; value: 0 };

/** One input as the exported manifest declares it (field order is the order written). */
export interface ExportedInput {
  id: string;
  url?: string;
  /** Path of a downloaded byte upload, relative to the file that declares it. */
  file?: string;
  concepts?: ExportedConcept[];
  metadata?: JsonObject;
  allow_duplicate_url?: true;
}

/** Where the bytes of a byte upload can be had. */
export type ByteSource =
  | { kind: "base64"; data: string }
  | { kind: "hosted"; url: string }
  | { kind: "none" };

/** What export does with one live input. */
export type LiveInputExport =
  | { kind: "url"; entry: ExportedInput }
  /** A byte upload: `entry` lacks its image until the bytes are saved. */
  | { kind: "bytes"; entry: ExportedInput; source: ByteSource }
  | { kind: "skip"; id: string; reason: SkipReason };

export type SkipReason = "invalid-id" | "no-image" | "unsupported-url";

/** The manifest's id rule (contract §1): 1–48 letters, digits, `_`, `-`. */
const VALID_ID = /^[A-Za-z0-9_-]{1,48}$/;

/**
 * Whether an image was uploaded as bytes: it has no URL, or its URL is the API's hosted copy (the
 * real API returns `url` = the hosted original for byte uploads), or the API echoed its base64.
 */
export function isByteUpload(image: ApiImage | undefined): boolean {
  if (image === undefined) return false;
  if (typeof image.base64 === "string" && image.base64 !== "") return true;
  const url = image.url?.trim() ?? "";
  if (url === "") return true;
  const prefix = image.hosted?.prefix?.replace(/\/+$/, "");
  return prefix !== undefined && prefix !== "" && url.startsWith(`${prefix}/`);
}

/** Where the bytes of a byte upload are: echoed base64, else its hosted URL, else nowhere. */
export function byteSourceOf(image: ApiImage | undefined): ByteSource {
  if (image === undefined) return { kind: "none" };
  if (typeof image.base64 === "string" && image.base64 !== "") {
    return { kind: "base64", data: image.base64 };
  }
  const url = image.url?.trim() ?? "";
  if (url !== "") return { kind: "hosted", url };
  const hosted = hostedOriginalUrl(image);
  return hosted === undefined ? { kind: "none" } : { kind: "hosted", url: hosted };
}

/**
 * The concepts as declared: value 0 kept as `{id, value: 0}`, any other value as present (the
 * manifest allows 0 or 1; the API may hold older fractional values). Sorted by id so that
 * re-exports diff cleanly whatever order the API returns them in.
 */
function exportedConcepts(input: ApiInput): ExportedConcept[] {
  const concepts = [...(input.data?.concepts ?? [])].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return concepts.map((c) => (Number(c.value ?? 1) === 0 ? { id: c.id, value: 0 } : c.id));
}

/** Decides what to write for one live input. Pure. */
export function exportLiveInput(input: ApiInput): LiveInputExport {
  if (!VALID_ID.test(input.id)) return { kind: "skip", id: input.id, reason: "invalid-id" };
  const image = input.data?.image;
  if (image === undefined) return { kind: "skip", id: input.id, reason: "no-image" };
  const entry: ExportedInput = { id: input.id };
  const concepts = exportedConcepts(input);
  const metadata = userMetadata(input.data?.metadata);
  const rest: Pick<ExportedInput, "concepts" | "metadata"> = {};
  if (concepts.length > 0) rest.concepts = concepts;
  if (Object.keys(metadata).length > 0) rest.metadata = metadata;
  if (isByteUpload(image)) {
    return { kind: "bytes", entry: { ...entry, ...rest }, source: byteSourceOf(image) };
  }
  const url = image.url?.trim() ?? "";
  if (!/^https?:\/\//i.test(url)) return { kind: "skip", id: input.id, reason: "unsupported-url" };
  return { kind: "url", entry: { ...entry, url, ...rest } };
}

/** Which live inputs an export declares, by their ownership marker. */
export type OwnershipFilter =
  /** Inputs with no marker, and those marked with the export's own name (the default). */
  | { kind: "claimable"; name: string }
  | { kind: "owned-by"; name: string }
  | { kind: "unowned" }
  | { kind: "all" };

/** Whether `input` passes `filter`; also returns the owning manifest's name, if any. Pure. */
export function ownershipOf(
  input: ApiInput,
  filter: OwnershipFilter,
): { selected: boolean; owner: string | undefined } {
  const owner = readOwnershipMarker(input.data?.metadata)?.manifest;
  switch (filter.kind) {
    case "all":
      return { selected: true, owner };
    case "unowned":
      return { selected: owner === undefined, owner };
    case "owned-by":
      return { selected: owner === filter.name, owner };
    case "claimable":
      return { selected: owner === undefined || owner === filter.name, owner };
    default: {
      const unreachable: never = filter;
      throw new Error(`unknown ownership filter ${JSON.stringify(unreachable)}`);
    }
  }
}
