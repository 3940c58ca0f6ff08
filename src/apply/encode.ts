import { resolve } from "node:path";
import type { ApiData, ApiInput, JsonObject } from "../api/types.js";
import type { PlannedInput } from "../plan/types.js";
import { sha256Hex } from "./file-hash.js";

/** Reads a file's bytes; injected so tests and benchmarks can serve files from memory. */
export type ReadFile = (absPath: string) => Promise<Uint8Array>;

class FileChangedError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `${path} changed since the plan was made (sha256 ${actual.slice(0, 12)}…, planned ${expected.slice(0, 12)}…)`,
    );
    this.name = "FileChangedError";
  }
}

/**
 * Turns a planned input into the PostInputs body entry. File inputs are read and base64-encoded
 * here, one batch at a time, and their bytes are checked against the planned sha256 so that what
 * is posted is exactly what the plan showed.
 */
export async function toPostInput(
  planned: PlannedInput,
  options: { baseDir: string; readFile: ReadFile },
): Promise<ApiInput> {
  const { image, concepts, metadata } = planned.data;
  const data = { concepts, metadata } as NonNullable<ApiInput["data"]>;
  if ("file" in image) {
    const absPath = resolve(options.baseDir, image.file.path);
    const bytes = await options.readFile(absPath);
    const actual = sha256Hex(bytes);
    if (actual !== image.file.sha256)
      throw new FileChangedError(image.file.path, image.file.sha256, actual);
    data.image = {
      base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
    };
  } else {
    data.image = image.allow_duplicate_url
      ? { url: image.url, allow_duplicate_url: true }
      : { url: image.url };
  }
  return { id: planned.id, data };
}

/**
 * The PatchInputs (overwrite) body entry: only `data` is patchable; overwrite keeps the media but
 * replaces everything else in `data`, so the live `geo` (which `dataset` does not manage) is sent
 * back as it was.
 */
export function toPatchInput(planned: PlannedInput, liveGeo?: JsonObject): ApiInput {
  const data: ApiData = {
    concepts: planned.data.concepts,
    metadata: planned.data.metadata as JsonObject,
  };
  if (liveGeo !== undefined) data.geo = liveGeo;
  return { id: planned.id, data };
}
