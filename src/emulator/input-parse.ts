/**
 * Reading the inputs of PostInputs and PatchInputs requests. Shape errors (wrong types, unknown
 * fields) throw a RequestError for the whole request, as a proto unmarshal failure would;
 * semantic problems (id length, bad URL, undecodable bytes…) are returned per input, so the
 * request can answer MIXED_STATUS.
 */
import type { JsonObject } from "../api/types.js";
import { type ImageFacts, sniffImage } from "./image-sniff.js";
import {
  badFormat,
  ConceptSpec,
  DataSpec,
  GeoPointSpec,
  GeoSpec,
  ImageSpec,
  InputSpec,
  isPlainObject,
  readArray,
  readBool,
  readMessage,
  readNumber,
  readString,
  readStringList,
} from "./json-request.js";
import { Code } from "./status-codes.js";

export interface ParsedConcept {
  id: string;
  /** "" when not sent (the stored concept then keeps or takes its id as name). */
  name: string;
  value: number;
}

export interface GeoPoint {
  longitude: number;
  latitude: number;
}

/** The patchable/storable part of an input's data, normalised. `undefined` = not sent. */
export interface ParsedData {
  concepts?: ParsedConcept[];
  metadata?: JsonObject;
  geo?: GeoPoint;
}

export interface ParsedImage {
  /** Trimmed URL, when given. */
  url?: string;
  /** Decoded bytes, when given and decodable. */
  bytes?: Buffer;
  /** Whether the request sent bytes at all (even undecodable ones). */
  sentBytes: boolean;
  allowDuplicateUrl: boolean;
}

/** A per-input failure: the input's status in the reply. */
export interface InputProblem {
  code: number;
  details: string;
}

export interface ParsedInput extends ParsedData {
  /** "" when the request gave no id. */
  id: string;
  image?: ParsedImage;
  /** What sniffing the decoded bytes found: null = not an image; undefined for URL inputs. */
  bytesFacts?: ImageFacts | null;
  /** The first semantic problem found, if any. */
  problem?: InputProblem;
}

/** Where the API's documented per-image limit sits (reference §7). */
export interface ParseLimits {
  /** An image must be smaller than this (`ApiLimits.maxImageBytes`, exclusive). */
  maxImageBytes: number;
}

const idPattern = /^[A-Za-z0-9_-]+$/;
const unsupportedMedia = ["video", "text", "audio"] as const;

/** The id rule of reference §7: 1–48 characters; letters, digits, `_` and `-` (our guess). */
export function checkInputId(id: string): InputProblem | undefined {
  if (id.length < 1 || id.length > 48) {
    return {
      code: Code.INPUT_INVALID_REQUEST,
      details: "id must be between 1 and 48 characters long",
    };
  }
  if (!idPattern.test(id)) {
    return {
      code: Code.INPUT_INVALID_REQUEST,
      details: `id "${id}" may contain only letters, digits, '_' and '-'`,
    };
  }
  return undefined;
}

function parseConcepts(value: unknown, path: string): ParsedConcept[] {
  return readArray(value, path).map((item, i) => {
    const c = readMessage(item, ConceptSpec, `${path}[${i}]`) ?? {};
    const id = readString(c.id, `${path}[${i}].id`);
    const name = readString(c.name, `${path}[${i}].name`);
    // cl_default_float = 1.0: an omitted value means a positive concept. JSON true/false mean
    // 1/0, as the legacy JavaScript client and older docs send them (reference datasets §9b).
    const value =
      typeof c.value === "boolean"
        ? Number(c.value)
        : (readNumber(c.value, `${path}[${i}].value`) ?? 1);
    return { id, name, value };
  });
}

function parseMetadata(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value))
    throw badFormat(`${path}: expected an object (google.protobuf.Struct)`);
  return value as JsonObject;
}

function parseGeo(value: unknown, path: string): { geo?: GeoPoint; unmodeled?: string } {
  const geo = readMessage(value, GeoSpec, path);
  if (!geo) return {};
  const point = readMessage(geo.geo_point, GeoPointSpec, `${path}.geo_point`) ?? {};
  const result: GeoPoint = {
    longitude: readNumber(point.longitude, `${path}.geo_point.longitude`) ?? 0,
    latitude: readNumber(point.latitude, `${path}.geo_point.latitude`) ?? 0,
  };
  const unmodeled =
    geo.geo_limit !== undefined ? "geo_limit" : geo.geo_box !== undefined ? "geo_box" : undefined;
  return unmodeled ? { geo: result, unmodeled: `data.geo.${unmodeled}` } : { geo: result };
}

const base64Std = /^[A-Za-z0-9+/]*={0,2}$/;
const base64Url = /^[A-Za-z0-9_-]*={0,2}$/;

/** Strict base64 (standard or URL-safe, padding optional); undefined when not decodable. */
export function decodeBase64(text: string): Buffer | undefined {
  const s = text.replace(/\s+/g, "");
  if (!(base64Std.test(s) || base64Url.test(s))) return undefined;
  const unpadded = s.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return undefined;
  if (s.includes("=") && s.length % 4 !== 0) return undefined;
  return Buffer.from(unpadded, s.includes("-") || s.includes("_") ? "base64url" : "base64");
}

function parseImage(value: unknown, path: string): ParsedImage | undefined {
  const image = readMessage(value, ImageSpec, path);
  if (!image) return undefined;
  const url = readString(image.url, `${path}.url`).trim();
  const base64 = readString(image.base64, `${path}.base64`);
  const parsed: ParsedImage = {
    sentBytes: base64 !== "",
    allowDuplicateUrl: readBool(image.allow_duplicate_url, `${path}.allow_duplicate_url`),
  };
  if (url !== "") parsed.url = url;
  if (base64 !== "") {
    const bytes = decodeBase64(base64);
    if (bytes) parsed.bytes = bytes;
  }
  return parsed;
}

function checkUrl(url: string): InputProblem | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: Code.INPUT_INVALID_URL, details: `invalid URL: ${url}` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { code: Code.INPUT_INVALID_URL, details: `URL scheme must be http or https: ${url}` };
  }
  return undefined;
}

/** The concept rules: every concept needs an id; one id at most once per input. */
export function checkConcepts(concepts: ParsedConcept[] | undefined): InputProblem | undefined {
  if (!concepts) return undefined;
  const seen = new Set<string>();
  for (const c of concepts) {
    if (c.id === "")
      return { code: Code.INPUT_INVALID_ARGUMENT, details: "concept id is required" };
    if (seen.has(c.id)) {
      return { code: Code.INPUT_INVALID_ARGUMENT, details: `concept "${c.id}" is listed twice` };
    }
    seen.add(c.id);
  }
  return undefined;
}

/** Reads the `data` of an input: the storable parts plus what cannot be stored. */
export function parseData(
  value: unknown,
  path: string,
): { data: ParsedData; image?: ParsedImage; unmodeled: string[]; media: string[] } {
  const raw = readMessage(value, DataSpec, path) ?? {};
  const data: ParsedData = {};
  const unmodeled: string[] = [];
  const media: string[] = [];
  if (raw.concepts !== undefined) data.concepts = parseConcepts(raw.concepts, `${path}.concepts`);
  const metadata = parseMetadata(raw.metadata, `${path}.metadata`);
  if (metadata !== undefined) data.metadata = metadata;
  const geo = parseGeo(raw.geo, `${path}.geo`);
  if (geo.geo) data.geo = geo.geo;
  if (geo.unmodeled) unmodeled.push(geo.unmodeled);
  const image = parseImage(raw.image, `${path}.image`);
  for (const key of Object.keys(raw)) {
    if ((unsupportedMedia as readonly string[]).includes(key)) media.push(key);
    else if (!["image", "concepts", "metadata", "geo"].includes(key)) unmodeled.push(`data.${key}`);
  }
  return image ? { data, image, unmodeled, media } : { data, unmodeled, media };
}

/** Reads one PostInputs input and finds its first semantic problem (duplicates aside). */
export function parsePostInput(value: unknown, path: string, limits: ParseLimits): ParsedInput {
  const raw = readMessage(value, InputSpec, path) ?? {};
  const id = readString(raw.id, `${path}.id`);
  readStringList(raw.dataset_ids, `${path}.dataset_ids`);
  const { data, image, unmodeled, media } = parseData(raw.data, `${path}.data`);
  const input: ParsedInput = { id, ...data };
  if (image) input.image = image;
  if (image?.bytes) input.bytesFacts = sniffImage(image.bytes);
  const problem = postInputProblem(input, { unmodeled, media, limits });
  if (problem) input.problem = problem;
  return input;
}

function postInputProblem(
  input: ParsedInput,
  context: { unmodeled: string[]; media: string[]; limits: ParseLimits },
): InputProblem | undefined {
  if (input.id !== "") {
    const idProblem = checkInputId(input.id);
    if (idProblem) return idProblem;
  }
  const [medium] = context.media;
  if (medium) {
    return {
      code: Code.INPUT_UNSUPPORTED_FORMAT,
      details: `data.${medium}: the emulator models image inputs only`,
    };
  }
  const [field] = context.unmodeled;
  if (field) {
    return {
      code: Code.INPUT_INVALID_ARGUMENT,
      details: `${field} is not supported on inputs by the emulator`,
    };
  }
  const image = input.image;
  if (!image || (image.url === undefined && !image.sentBytes)) {
    return { code: Code.INPUT_INVALID_ARGUMENT, details: "Input has no image URL or bytes" };
  }
  if (image.url !== undefined && image.sentBytes) {
    return { code: Code.INPUT_INVALID_ARGUMENT, details: "Input has both an image URL and bytes" };
  }
  if (image.url !== undefined) {
    const urlProblem = checkUrl(image.url);
    if (urlProblem) return urlProblem;
  }
  if (image.sentBytes) {
    if (!image.bytes)
      return { code: Code.ALL_INPUT_INVALID_BYTES, details: "image.base64 is not valid base64" };
    if (image.bytes.length >= context.limits.maxImageBytes) {
      return {
        code: Code.INPUT_OVER_LIMIT,
        details: `image is ${image.bytes.length} bytes; it must be smaller than ${context.limits.maxImageBytes}`,
      };
    }
  }
  return checkConcepts(input.concepts);
}
