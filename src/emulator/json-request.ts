/**
 * Reading request bodies the way a proto3 JSON parser does: proto field names or their
 * lowerCamelCase JSON names, `null` meaning "unset", unknown fields and wrong types rejected
 * (CONN_BAD_REQUEST_FORMAT for the whole request, as an unmarshal failure would be).
 */
import { Code } from "./status-codes.js";

/** A request-level failure: the whole request is answered with this code and details. */
export class RequestError extends Error {
  readonly code: number;
  readonly details: string;
  constructor(code: number, details: string) {
    super(details);
    this.name = "RequestError";
    this.code = code;
    this.details = details;
  }
}

export function badFormat(details: string): RequestError {
  return new RequestError(Code.CONN_BAD_REQUEST_FORMAT, details);
}

/** The proto message a JSON object is read as: its name and its fields (proto names). */
export interface MessageSpec {
  name: string;
  fields: readonly string[];
}

function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const aliasCache = new Map<MessageSpec, Map<string, string>>();

function aliases(spec: MessageSpec): Map<string, string> {
  let map = aliasCache.get(spec);
  if (!map) {
    map = new Map();
    for (const field of spec.fields) {
      map.set(field, field);
      map.set(lowerCamel(field), field);
    }
    aliasCache.set(spec, map);
  }
  return map;
}

/**
 * How deeply a request body may nest (objects and lists alike): protobuf's parsers stop at a
 * recursion limit (100 in C++/Python, 10,000 in Go); the emulator takes the stricter one. Deeper
 * bodies are refused as a format error instead of overflowing the stack later (a 500).
 */
export const MAX_JSON_DEPTH = 100;

/** Whether `value` nests deeper than `limit`; iterative, so any depth is safe to check. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads `value` as message `spec`: returns its set fields under their proto names, or undefined
 * when `value` is null/absent. Throws on a non-object, an unknown field or a field given twice.
 */
export function readMessage(
  value: unknown,
  spec: MessageSpec,
  path: string,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw badFormat(`${path}: expected an object (${spec.name})`);
  const names = aliases(spec);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const proto = names.get(key);
    if (proto === undefined) throw badFormat(`${path}: unknown field "${key}" in ${spec.name}`);
    if (proto in out) throw badFormat(`${path}: field "${proto}" given twice in ${spec.name}`);
    if (field !== null) out[proto] = field;
  }
  return out;
}

export function readString(value: unknown, path: string): string {
  if (value === undefined) return "";
  if (typeof value !== "string") throw badFormat(`${path}: expected a string`);
  return value;
}

export function readBool(value: unknown, path: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw badFormat(`${path}: expected true or false`);
  return value;
}

/** A float/double field: a JSON number or a numeric string, as proto3 JSON allows. */
export function readNumber(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw badFormat(`${path}: expected a number`);
  return n;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badFormat(`${path}: expected a list`);
  return value;
}

export function readStringList(value: unknown, path: string): string[] {
  return readArray(value, path).map((item, i) => readString(item, `${path}[${i}]`));
}

// The messages the emulator reads, with every field the protos define for them.

export const UserAppIDSetSpec: MessageSpec = {
  name: "clarifai.api.UserAppIDSet",
  fields: ["user_id", "app_id"],
};
export const PostInputsRequestSpec: MessageSpec = {
  name: "clarifai.api.PostInputsRequest",
  fields: ["user_app_id", "inputs", "inputs_add_job_id", "input_id_conflict_resolution"],
};
export const PatchInputsRequestSpec: MessageSpec = {
  name: "clarifai.api.PatchInputsRequest",
  fields: ["user_app_id", "inputs", "action"],
};
export const DeleteInputsRequestSpec: MessageSpec = {
  name: "clarifai.api.DeleteInputsRequest",
  fields: ["user_app_id", "ids"],
};
export const InputSpec: MessageSpec = {
  name: "clarifai.api.Input",
  fields: ["id", "data", "created_at", "modified_at", "status", "dataset_ids", "settings"],
};
export const DataSpec: MessageSpec = {
  name: "clarifai.api.Data",
  fields: [
    "image",
    "video",
    "concepts",
    "metadata",
    "geo",
    "colors",
    "clusters",
    "embeddings",
    "regions",
    "frames",
    "text",
    "audio",
    "tracks",
    "time_segments",
    "hits",
    "heatmaps",
    "parts",
    "ndarray",
    "int_value",
    "float_value",
    "bytes_value",
    "bool_value",
    "string_value",
    "struct_value",
  ],
};
export const ImageSpec: MessageSpec = {
  name: "clarifai.api.Image",
  fields: [
    "url",
    "base64",
    "allow_duplicate_url",
    "hosted",
    "image_info",
    "hosted_image_info",
    "decoded_bytes",
  ],
};
export const ConceptSpec: MessageSpec = {
  name: "clarifai.api.Concept",
  fields: [
    "id",
    "name",
    "value",
    "created_at",
    "language",
    "app_id",
    "definition",
    "vocab_id",
    "visibility",
    "user_id",
    "keypoint_info",
    "extra_info",
    "metadata",
    "image",
  ],
};
export const GeoSpec: MessageSpec = {
  name: "clarifai.api.Geo",
  fields: ["geo_point", "geo_limit", "geo_box"],
};
export const GeoPointSpec: MessageSpec = {
  name: "clarifai.api.GeoPoint",
  fields: ["longitude", "latitude"],
};
