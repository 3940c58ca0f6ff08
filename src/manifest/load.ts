/**
 * Loads a manifest into a fully resolved, validated list of desired inputs: read → parse (with
 * positions) → schema → includes → semantic rules → file checks → defaults and normalisation →
 * file hashes. Every problem of the run is collected; nothing here throws for a user's mistake.
 *
 * Files are processed one at a time, in load order: once a file's inputs are checked and
 * normalised, its parsed values and position index are dropped, so a manifest split into parts
 * never holds more than one part's parse beside the resolved inputs. A problem found later in a
 * dropped file (a duplicate declared in a later part) is located by parsing that file again.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { isRecord } from "../util/is-record.js";
import { nativePath } from "../util/native-path.js";
import { mapBounded } from "../util/pool.js";
import { DesiredIndex, type DesiredSink } from "./desired-index.js";
import type { DocPath } from "./doc-path.js";
import type { FileHasher, ImageFileCheck } from "./files.js";
import {
  API_IMAGE_SIZE_LIMIT,
  checkImageFile,
  hashImageFile,
  ImageFileReader,
  streamingHasher,
} from "./files.js";
import { HashCache } from "./hash-cache.js";
import type { IncludingFile } from "./include.js";
import { collectIncludedFiles } from "./include.js";
import type { CheckedImage, InputResolver, LoadContext, LoadLimits } from "./load-context.js";
import { hashImages, imageOf, normaliserOf } from "./load-context.js";
import type { Manifest, ManifestInfo } from "./manifest.js";
import type { YamlDocument } from "./parse-yaml.js";
import { parseYaml } from "./parse-yaml.js";
import type { Elsewhere, ProblemFile } from "./problem-log.js";
import { ProblemLog } from "./problem-log.js";
import type { RawDefaults, RawInput, RawManifest } from "./raw.js";
import type { RuleIssue, RulePlace } from "./rules.js";
import { InputRules } from "./rules.js";
import { schemaUrlPattern, validateAgainstSchema } from "./schema.js";
import type { DocumentRole } from "./schema-messages.js";
import { readSourceFile, rereadSourceText } from "./source-file.js";
import { MAX_RECORD_CHARS } from "./sources/csv-records.js";
import { readSources } from "./sources/read-sources.js";
import type { ManifestProblem } from "./types.js";

export { formatProblem } from "./problems.js";

export interface LoadOptions extends Partial<LoadLimits> {
  /** Directory the manifest path is relative to, and problems' file names too. Default: the process's. */
  cwd?: string;
  /** How image files are hashed (default: streamed sha256); tests inject one. */
  hashFile?: FileHasher;
  /**
   * Where image hashes are cached by (path, size, mtime); `false`: no cache. Default:
   * `.dataset/cache` beside the root manifest.
   */
  cacheDir?: string | false;
  /**
   * Called once the root manifest is read and schema-valid, before its inputs are: its name,
   * `app:` and sha256 let a caller start reading the app while the rest loads.
   */
  onRoot?: (root: ManifestRoot) => void;
}

/** What the root manifest alone tells. */
export type ManifestRoot = Pick<ManifestInfo, "path" | "sha256" | "name" | "app">;

const DEFAULT_LOAD_LIMITS: Readonly<LoadLimits> = {
  maxManifestBytes: 64_000_000,
  maxAliasCount: 10_000,
  maxAliasExpansion: 1_000_000,
  imageSizeLimit: API_IMAGE_SIZE_LIMIT,
  maxCsvRecordChars: MAX_RECORD_CHARS,
};

export type LoadResult<M = Manifest> =
  | { ok: true; manifest: M }
  | {
      ok: false;
      problems: ManifestProblem[];
      /** The root manifest does not exist (its one problem says so). */
      notFound?: boolean;
    };

/** One manifest file: its parse while it is being processed, then only what the walk needs. */
class LoadedFile implements IncludingFile, ProblemFile {
  /** The parsed document's values; after {@link release}, only its `include:` list. */
  value: unknown = null;
  sha256 = "";
  notFound = false;
  /** Whether the document passed the schema (only then are its sources read). */
  schemaValid = false;
  private parsed: YamlDocument | undefined;
  private released = false;

  constructor(
    readonly absPath: string,
    /** Position in load order. */
    readonly index: number,
    /** The path as problems show it. */
    readonly shown: string,
    private readonly limits: LoadLimits,
  ) {}

  /** Positions in the file; a released file is parsed again (only problems need this). */
  get document(): YamlDocument | undefined {
    if (this.released && this.parsed === undefined) {
      this.released = false;
      const text = rereadSourceText(this.absPath, { maxBytes: this.limits.maxManifestBytes });
      const parsed = text === undefined ? undefined : parseYaml(text, this.limits);
      this.parsed = parsed?.ok ? parsed.document : undefined;
    }
    return this.parsed;
  }

  set document(document: YamlDocument | undefined) {
    this.parsed = document;
  }

  /** Drops the parsed values and positions, keeping the `include:` list for the walk. */
  release(): void {
    const include = isRecord(this.value) ? this.value.include : undefined;
    this.value = include === undefined ? null : { include };
    this.parsed = undefined;
    this.released = true;
  }
}

/** Image files checked at once (a stat and a few bytes each). */
const STAT_CONCURRENCY = 16;

/** Loads a manifest, keeping its inputs in a compact {@link DesiredIndex}. */
export async function loadManifest(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  const inputs = new DesiredIndex();
  const result = await loadManifestInto(path, inputs, options);
  return result.ok ? { ok: true, manifest: { ...result.manifest, inputs } } : result;
}

/**
 * Loads a manifest, handing its inputs to `sink` as each file's are normalised (before the
 * whole load is known to be clean: a sink's inputs count only if the result is ok).
 */
export async function loadManifestInto(
  path: string,
  sink: DesiredSink,
  options: LoadOptions = {},
): Promise<LoadResult<ManifestInfo>> {
  const cwd = options.cwd ?? process.cwd();
  const rootPath = resolve(cwd, path);
  const limits = { ...DEFAULT_LOAD_LIMITS, ...definedOnly(options) };
  // Names as the user gave them: the root as typed, the rest relative to the working directory.
  const show = (absPath: string): string =>
    absPath === rootPath ? path : isAbsolute(path) ? absPath : relative(cwd, absPath) || absPath;
  const showUnder = (absDir: string): ((relative: string) => string) => {
    const dir = isAbsolute(path) ? absDir : relative(cwd, absDir);
    if (dir === "") return nativePath;
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    return (rel) => prefix + nativePath(rel);
  };
  // Read while the manifest is (a large folder's cache takes a while to parse, and the root's
  // name, which a plan needs to connect, must not wait for it); awaited by the first image check.
  let cache: HashCache | undefined;
  const cacheOpened =
    options.cacheDir === false
      ? undefined
      : HashCache.open({
          baseDir: dirname(rootPath),
          cacheDir: options.cacheDir ?? join(dirname(rootPath), ".dataset", "cache"),
        }).then((opened) => {
          cache = opened;
        });
  const hasher = options.hashFile ?? streamingHasher;
  // An injected hasher sees every file hashed: the check then only sniffs.
  const reader = new ImageFileReader(options.hashFile === undefined);
  const checkAll = async (absPaths: readonly string[]): Promise<ImageFileCheck[]> => {
    if (cache === undefined) await cacheOpened;
    const checks: ImageFileCheck[] = [];
    for (const absPath of absPaths) {
      if (reader.due()) await nextTurn();
      const shownPath = () => show(absPath);
      checks.push(
        checkImageFile(absPath, { sizeLimit: limits.imageSizeLimit, shownPath, cache, reader }),
      );
    }
    return checks;
  };
  const context: LoadContext = {
    limits,
    problems: new ProblemLog(),
    show,
    images: {
      check: async (absPath) => (await checkAll([absPath]))[0] as ImageFileCheck,
      checkAll,
      hash: (absPath, checked) => hashImageFile(absPath, checked, { hasher, cache }),
      show,
      showUnder,
    },
    skipped: { hidden: 0, notImages: 0 },
    sourceFiles: [],
  };
  const { problems } = context;

  const byIndex: LoadedFile[] = [];
  const load = async (absPath: string, role: DocumentRole): Promise<LoadedFile> => {
    const file = await loadFile(absPath, { role, index: byIndex.length }, context);
    byIndex.push(file);
    return file;
  };
  const root = await load(rootPath, "root");
  if (root.notFound) {
    return {
      ok: false,
      notFound: true,
      problems: [{ file: path, line: 0, column: 0, path: "", message: "manifest not found" }],
    };
  }
  const fileAt = (index: number): LoadedFile => byIndex[index] ?? root;
  const placeOf = (place: RulePlace): Elsewhere =>
    "fixed" in place
      ? { fixed: { file: place.fixed.file, line: place.fixed.line, column: place.fixed.column } }
      : { file: fileAt(place.file), at: place.path };
  const report = (issues: readonly RuleIssue[]): void => {
    for (const issue of issues) {
      const elsewhere = issue.elsewhere === undefined ? undefined : placeOf(issue.elsewhere);
      if ("fixed" in issue) problems.atFixed(issue.fixed, issue.message, elsewhere);
      else
        problems.at(fileAt(issue.file), issue.path, issue.message, { key: issue.key, elsewhere });
    }
  };
  const writtenNumber =
    (file: LoadedFile) =>
    (at: DocPath): string | undefined =>
      file.document?.plainScalarText(at);

  const rootValue = (isRecord(root.value) ? root.value : {}) as Partial<RawManifest>;
  const { name, app, defaults } = rootValue;
  if (root.schemaValid && problems.size === 0) {
    options.onRoot?.({
      path,
      sha256: root.sha256,
      name: name ?? "",
      ...(app === undefined ? {} : { app: { ...app } }),
    });
  }
  const rules = new InputRules({ defaults, urlPattern: schemaUrlPattern() });
  report(rules.checkDefaults(writtenNumber(root)));
  const resolver: InputResolver = {
    context,
    // Built on first use: only then are the root's defaults known to be schema-valid.
    normaliser: undefined,
    defaults: defaults as RawDefaults | undefined,
    hashes: new Map(),
    inputs: sink,
    unreadable: 0,
  };
  const absorb = async (file: LoadedFile): Promise<void> => {
    const inputs =
      isRecord(file.value) && Array.isArray(file.value.inputs) ? file.value.inputs : [];
    report(rules.checkFile(file.index, inputs, writtenNumber(file)));
    const images = await checkImageFiles(file, inputs, context);
    // Once a check fails the load fails: the rest of the files are only checked. Images that
    // vanished before they were hashed do not stop the others from being hashed (and reported).
    if (problems.size === resolver.unreadable) {
      await resolveInputs(file, inputs as RawInput[], images, resolver);
    }
    if (file.schemaValid && isRecord(file.value) && Array.isArray(file.value.sources)) {
      await readSources(file, file.value.sources, { rules, report, resolver });
    }
    if (problems.size === resolver.unreadable) file.release();
  };

  await absorb(root);
  const files = await collectIncludedFiles(root, {
    load: async (absPath) => {
      const file = await load(absPath, "included");
      await absorb(file);
      return file;
    },
    report: (file, at, message) => problems.at(file, at, message),
    show: context.show,
  });
  report(rules.finish());
  await cacheOpened;
  await cache?.save();
  if (problems.size > 0) {
    const order = [...files.map((f) => f.shown), ...context.sourceFiles];
    return { ok: false, problems: problems.list(order) };
  }

  return {
    ok: true,
    manifest: {
      path,
      sha256: root.sha256,
      name: name ?? "",
      ...(app === undefined ? {} : { app: { ...app } }),
      files: files.map((file) => file.shown),
      skipped: { ...context.skipped },
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
  const file = new LoadedFile(absPath, options.index, context.show(absPath), context.limits);
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
  const issues = validateAgainstSchema(file.value, options.role);
  for (const issue of issues) {
    const at = issue.at?.path ?? issue.path;
    problems.at(file, at, issue.message, { key: issue.at?.key, shownPath: issue.path });
  }
  file.schemaValid = issues.length === 0;
  return file;
}

/**
 * Checks every `file:` input of one file (exists, regular, size, image bytes) relative to that
 * file; returns them by index in its `inputs:`.
 */
async function checkImageFiles(
  file: LoadedFile,
  inputs: readonly unknown[],
  context: LoadContext,
): Promise<Map<number, CheckedImage>> {
  const paths = new Map<number, string>();
  inputs.forEach((input, index) => {
    const image = isRecord(input) ? input.file : undefined;
    if (typeof image === "string" && image !== "") {
      paths.set(index, resolve(dirname(file.absPath), image));
    }
  });
  const entries = [...paths];
  const checks = await mapBounded(entries, STAT_CONCURRENCY, ([, absPath]) =>
    context.images.check(absPath),
  );
  const images = new Map<number, CheckedImage>();
  checks.forEach((check, i) => {
    const [index, absPath] = entries[i] ?? [-1, ""];
    images.set(index, { absPath, check });
    if (!check.ok) context.problems.at(file, ["inputs", index, "file"], check.message);
  });
  return images;
}

/** Normalises one file's (checked, problem-free) inputs, hashing the images they name. */
async function resolveInputs(
  file: LoadedFile,
  inputs: readonly RawInput[],
  images: ReadonlyMap<number, CheckedImage>,
  resolver: InputResolver,
): Promise<void> {
  const { context, hashes } = resolver;
  const normaliser = normaliserOf(resolver);
  await hashImages(images.values(), resolver);
  const positions =
    file.document?.locateAll(inputs.map((_, index) => ({ path: ["inputs", index] }))) ?? [];
  inputs.forEach((raw, index) => {
    const absPath = images.get(index)?.absPath;
    const image = imageOf(raw, absPath, hashes, normaliser);
    if (image === undefined) {
      const shown = context.show(absPath ?? "");
      context.problems.at(file, ["inputs", index, "file"], `cannot read ${shown}`);
      resolver.unreadable++;
      return;
    }
    const { line, column } = positions[index] ?? { line: 0, column: 0 };
    const source = { file: file.shown, line, column };
    resolver.inputs.add(normaliser.normalise(raw, { image, source }));
  });
}

function definedOnly(options: LoadOptions): Partial<LoadLimits> {
  const limits: Partial<LoadLimits> = {};
  for (const key of Object.keys(DEFAULT_LOAD_LIMITS) as (keyof LoadLimits)[]) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
