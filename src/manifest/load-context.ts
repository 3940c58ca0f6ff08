/**
 * What the stages of one load share, and turning checked inputs (declared or read from a source)
 * into desired inputs: one normaliser, each distinct image hashed once, the inputs so far.
 */
import { mapBounded } from "../util/pool.js";
import type { DesiredSink } from "./desired-index.js";
import type { ImageFileCheck } from "./files.js";
import { InputNormaliser, resolveDefaults } from "./normalise.js";
import type { ProblemLog } from "./problem-log.js";
import type { RawDefaults, RawInput } from "./raw.js";
import type { SkippedFiles } from "./sources/source-reader.js";
import type { DesiredImage } from "./types.js";

/** Limits of one load. */
export interface LoadLimits {
  /** Largest manifest or included file accepted, in bytes. */
  maxManifestBytes: number;
  /** Most YAML aliases (`*name`) one file may hold. */
  maxAliasCount: number;
  /** How many values aliases may add to one file's document once expanded. */
  maxAliasExpansion: number;
  /** `file:` images must be smaller than this many bytes. */
  imageSizeLimit: number;
  /** Characters one CSV row may run to (a quote left open would make the rest of a file one). */
  maxCsvRecordChars: number;
}

/** Checking and hashing image files, shared by declared `file:` inputs and sources (one cache). */
export interface ImageService {
  check(absPath: string): Promise<ImageFileCheck>;
  /** {@link check} for many files in a row (the event loop turns every few dozen). */
  checkAll(absPaths: readonly string[]): Promise<ImageFileCheck[]>;
  hash(
    absPath: string,
    checked: Extract<ImageFileCheck, { ok: true }>,
  ): Promise<{ sha256: string; size: number } | undefined>;
  /** A path as problems and plans show it. */
  show(absPath: string): string;
  /**
   * {@link show} for the files under a folder, by their `/`-separated path relative to it
   * (normalised: no `.` or `..` segments), without resolving each: a folder source shows
   * every image it reads.
   */
  showUnder(absDir: string): (relative: string) => string;
}

/** Files hashed at once. */
const HASH_CONCURRENCY = 4;

/** What the stages of one load share. */
export interface LoadContext {
  limits: LoadLimits;
  problems: ProblemLog;
  /** A file's name as problems show it. */
  show(absPath: string): string;
  /** Checks and hashes image files (through the hash cache). */
  images: ImageService;
  /** Files folder sources skipped. */
  skipped: SkippedFiles;
  /** CSV and JSONL files read, in order (problems are listed in file order). */
  sourceFiles: string[];
}

type FileHash = { sha256: string; size: number } | undefined;

/** A `file:` image that passed its checks: where it is and what the check found. */
export interface CheckedImage {
  absPath: string;
  check: ImageFileCheck;
}

/** What turning files' inputs into desired inputs shares across files. */
export interface InputResolver {
  context: LoadContext;
  normaliser: InputNormaliser | undefined;
  /** The root's `defaults:` as written. */
  defaults: RawDefaults | undefined;
  /** Each distinct image file is hashed once; undefined: it vanished since it was checked. */
  hashes: Map<string, FileHash>;
  /** Where the desired inputs go, in load order. */
  inputs: DesiredSink;
  /** Images that could not be read when hashed ("cannot read" problems). */
  unreadable: number;
}

/** The normaliser of a load, built on first use (once the root's defaults are known valid). */
export function normaliserOf(resolver: InputResolver): InputNormaliser {
  resolver.normaliser ??= new InputNormaliser(resolveDefaults(resolver.defaults));
  return resolver.normaliser;
}

/** Hashes the checked images not hashed yet in this load (each distinct file once). */
export async function hashImages(
  images: Iterable<CheckedImage>,
  resolver: InputResolver,
): Promise<void> {
  const { context, hashes } = resolver;
  const unhashed = new Map<string, Extract<ImageFileCheck, { ok: true }>>();
  for (const { absPath, check } of images) {
    if (check.ok && !hashes.has(absPath)) unhashed.set(absPath, check);
  }
  const entries = [...unhashed];
  const hashed = await mapBounded(entries, HASH_CONCURRENCY, ([absPath, check]) =>
    context.images.hash(absPath, check),
  );
  entries.forEach(([absPath], i) => {
    hashes.set(absPath, hashed[i]);
  });
}

export function imageOf(
  raw: RawInput,
  absPath: string | undefined,
  hashes: ReadonlyMap<string, FileHash>,
  normaliser: InputNormaliser,
): DesiredImage | undefined {
  if (raw.url !== undefined) return normaliser.urlImage(raw.url);
  const hash = absPath === undefined ? undefined : hashes.get(absPath);
  if (absPath === undefined || hash === undefined || raw.file === undefined) return undefined;
  return { kind: "file", absPath, path: raw.file, sha256: hash.sha256, size: hash.size };
}
