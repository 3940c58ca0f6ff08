/**
 * Loads a manifest into a fully resolved, validated list of desired inputs: read → parse (with
 * positions) → schema → includes → semantic rules → file checks → defaults and normalisation →
 * file hashes. Every problem of the run is collected; nothing here throws for a user's mistake.
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { DocPath } from "./doc-path.js";
import { isRecord } from "./doc-path.js";
import { API_IMAGE_SIZE_LIMIT, checkImageFile, hashFile, mapWithConcurrency } from "./files.js";
import type { IncludingFile } from "./include.js";
import { collectIncludedFiles } from "./include.js";
import { resolveDefaults, toDesiredInput } from "./normalise.js";
import type { Position, YamlDocument } from "./parse-yaml.js";
import { parseYaml } from "./parse-yaml.js";
import { ProblemLog } from "./problem-log.js";
import type { RawDefaults, RawInput, RawManifest } from "./raw.js";
import type { InputRecord } from "./rules.js";
import { checkRules } from "./rules.js";
import { schemaUrlPattern, validateAgainstSchema } from "./schema.js";
import type { DocumentRole } from "./schema-messages.js";
import { readSourceFile } from "./source-file.js";
import type { DesiredImage, DesiredInput, Manifest, ManifestProblem } from "./types.js";

export { formatProblem } from "./problems.js";

export interface LoadOptions {
  /** Directory the manifest path is relative to, and problems' file names too. Default: the process's. */
  cwd?: string;
  /** Largest manifest or included file accepted, in bytes. */
  maxManifestBytes?: number;
  /** Most YAML aliases (`*name`) one file may hold. */
  maxAliasCount?: number;
  /** How many values aliases may add to one file's document once expanded. */
  maxAliasExpansion?: number;
  /** `file:` images must be smaller than this many bytes. */
  imageSizeLimit?: number;
}

export type LoadLimits = Required<Omit<LoadOptions, "cwd">>;

export const DEFAULT_LOAD_LIMITS: Readonly<LoadLimits> = {
  maxManifestBytes: 64_000_000,
  maxAliasCount: 10_000,
  maxAliasExpansion: 1_000_000,
  imageSizeLimit: API_IMAGE_SIZE_LIMIT,
};

export type LoadResult =
  | { ok: true; manifest: Manifest }
  | {
      ok: false;
      problems: ManifestProblem[];
      /** The root manifest does not exist (its one problem says so). */
      notFound?: boolean;
    };

interface LoadedFile extends IncludingFile {
  /** Position in load order. */
  index: number;
  /** The path as problems show it. */
  shown: string;
  document: YamlDocument | undefined;
  sha256: string;
  notFound: boolean;
}

/** Files hashed at once; stat calls are cheaper and run wider. */
const HASH_CONCURRENCY = 4;
const STAT_CONCURRENCY = 16;

/** What the stages of one load share. */
interface LoadContext {
  limits: LoadLimits;
  problems: ProblemLog;
  /** A file's name as problems show it. */
  show(absPath: string): string;
}

export async function loadManifest(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const rootPath = resolve(cwd, path);
  const context: LoadContext = {
    limits: { ...DEFAULT_LOAD_LIMITS, ...definedOnly(options) },
    problems: new ProblemLog(),
    // Names as the user gave them: the root as typed, the rest relative to the working directory.
    show: (absPath) =>
      absPath === rootPath ? path : isAbsolute(path) ? absPath : relative(cwd, absPath) || absPath,
  };
  const { problems } = context;

  let loaded = 0;
  const root = await loadFile(rootPath, { role: "root", index: loaded++ }, context);
  if (root.notFound) {
    return {
      ok: false,
      notFound: true,
      problems: [{ file: path, line: 0, column: 0, path: "", message: "manifest not found" }],
    };
  }
  const files = await collectIncludedFiles(root, {
    load: (absPath) => loadFile(absPath, { role: "included", index: loaded++ }, context),
    report: (file, at, message) => problems.at(file, at, message),
    show: context.show,
  });
  const fileAt = (index: number): LoadedFile => files[index] ?? root;
  const positionOf = (index: number, at: DocPath): Position =>
    fileAt(index).document?.locate(at) ?? { line: 0, column: 0 };
  const fail = (): LoadResult => ({
    ok: false,
    problems: problems.list(files.map((f) => f.shown)),
  });

  const records = inputRecords(files);
  const rootValue = isRecord(root.value) ? root.value : {};
  const issues = checkRules(records, {
    defaults: rootValue.defaults,
    urlPattern: schemaUrlPattern(),
    where: (index, at) => {
      const { line, column } = positionOf(index, at);
      return `${fileAt(index).shown}:${line}:${column}`;
    },
  });
  for (const issue of issues)
    problems.at(fileAt(issue.file), issue.path, issue.message, { key: issue.key });
  const images = await checkImageFiles(records, fileAt, context);
  if (problems.size > 0) return fail();

  const hashes = await hashFiles([...images.values()]);
  const defaults = resolveDefaults(rootValue.defaults as RawDefaults | undefined);
  const inputs: DesiredInput[] = [];
  for (const record of records) {
    // Schema-valid by now: no problem was reported.
    const raw = record.value as RawInput;
    const image = imageOf(raw, images.get(record), hashes);
    if (image === undefined) {
      const shown = context.show(images.get(record) ?? "");
      problems.at(fileAt(record.file), ["inputs", record.index, "file"], `cannot read ${shown}`);
      continue;
    }
    const source = {
      file: fileAt(record.file).shown,
      ...positionOf(record.file, ["inputs", record.index]),
    };
    inputs.push(toDesiredInput(raw, { defaults, image, source }));
  }
  if (problems.size > 0) return fail();

  const manifest = root.value as RawManifest;
  return {
    ok: true,
    manifest: {
      path,
      sha256: root.sha256,
      name: manifest.name,
      ...(manifest.app === undefined ? {} : { app: { ...manifest.app } }),
      inputs,
      files: files.map((file) => file.shown),
    },
  };
}

/** Reads, parses and schema-checks one manifest file, reporting what is wrong with it. */
async function loadFile(
  absPath: string,
  options: { role: DocumentRole; index: number },
  context: LoadContext,
): Promise<LoadedFile> {
  const { problems } = context;
  const file: LoadedFile = {
    absPath,
    index: options.index,
    shown: context.show(absPath),
    value: null,
    document: undefined,
    sha256: "",
    notFound: false,
  };
  const source = await readSourceFile(absPath, { maxBytes: context.limits.maxManifestBytes });
  if (!source.ok) {
    file.notFound = source.notFound;
    problems.add({ file: file.shown, line: 0, column: 0, path: "", message: source.message });
    return file;
  }
  file.sha256 = source.sha256;
  const parsed = parseYaml(source.text, context.limits);
  if (!parsed.ok) {
    problems.add({ file: file.shown, ...parsed.position, path: "", message: parsed.message });
    return file;
  }
  file.document = parsed.document;
  file.value = parsed.document.value;
  for (const issue of validateAgainstSchema(file.value, options.role)) {
    const at = issue.at?.path ?? issue.path;
    problems.at(file, at, issue.message, { key: issue.at?.key, shownPath: issue.path });
  }
  return file;
}

/**
 * Checks every `file:` input (exists, regular, size) relative to its declaring file; returns
 * their absolute paths by record.
 */
async function checkImageFiles(
  records: readonly InputRecord[],
  fileAt: (index: number) => LoadedFile,
  context: LoadContext,
): Promise<Map<InputRecord, string>> {
  const images = new Map<InputRecord, string>();
  for (const record of records) {
    const file = isRecord(record.value) ? record.value.file : undefined;
    if (typeof file === "string" && file !== "") {
      images.set(record, resolve(dirname(fileAt(record.file).absPath), file));
    }
  }
  const entries = [...images];
  const checks = await mapWithConcurrency(entries, STAT_CONCURRENCY, ([, absPath]) =>
    checkImageFile(absPath, {
      sizeLimit: context.limits.imageSizeLimit,
      shownPath: context.show(absPath),
    }),
  );
  checks.forEach((check, i) => {
    const record = entries[i]?.[0];
    if (!check.ok && record !== undefined) {
      context.problems.at(fileAt(record.file), ["inputs", record.index, "file"], check.message);
    }
  });
  return images;
}

function inputRecords(files: readonly LoadedFile[]): InputRecord[] {
  const records: InputRecord[] = [];
  for (const file of files) {
    const inputs = isRecord(file.value) ? file.value.inputs : undefined;
    if (!Array.isArray(inputs)) continue;
    for (let index = 0; index < inputs.length; index++) {
      records.push({ file: file.index, index, value: inputs[index] });
    }
  }
  return records;
}

type FileHash = { sha256: string; size: number } | undefined;

/** Hashes each distinct file once; a file that vanished since it was checked hashes to undefined. */
async function hashFiles(absPaths: readonly string[]): Promise<Map<string, FileHash>> {
  const distinct = [...new Set(absPaths)];
  const hashes = await mapWithConcurrency(distinct, HASH_CONCURRENCY, (absPath) =>
    hashFile(absPath).catch(() => undefined),
  );
  return new Map(distinct.map((absPath, i) => [absPath, hashes[i]]));
}

function imageOf(
  raw: RawInput,
  absPath: string | undefined,
  hashes: Map<string, FileHash>,
): DesiredImage | undefined {
  if (raw.url !== undefined) return { kind: "url", url: raw.url };
  const hash = absPath === undefined ? undefined : hashes.get(absPath);
  if (absPath === undefined || hash === undefined || raw.file === undefined) return undefined;
  return { kind: "file", absPath, path: raw.file, sha256: hash.sha256, size: hash.size };
}

function definedOnly(options: LoadOptions): Partial<LoadLimits> {
  const limits: Partial<LoadLimits> = {};
  for (const key of Object.keys(DEFAULT_LOAD_LIMITS) as (keyof LoadLimits)[]) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
