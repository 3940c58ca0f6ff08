/**
 * The `sources:` of one manifest file: each source's inputs, streamed in batches, go through
 * the same checks as declared inputs (the rules across the whole manifest, image checks, the
 * normaliser with `defaults`) and join the desired inputs with their origin.
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { errorCode } from "../../util/error-code.js";
import { isRecord } from "../../util/is-record.js";
import { mapBounded } from "../../util/pool.js";
import type { CheckedImage, InputResolver } from "../load-context.js";
import { hashImages, imageOf, normaliserOf } from "../load-context.js";
import type { ProblemFile } from "../problem-log.js";
import type { RawCsvSource, RawFolderSource, RawSource } from "../raw.js";
import type { InputRules, RuleIssue, RuleSegment } from "../rules.js";
import type { DesiredImage } from "../types.js";
import { csvReader } from "./csv-source.js";
import { folderReader } from "./folder-source.js";
import { jsonlReader } from "./jsonl-source.js";
import type { SourceItem, SourceReader, SourceReport } from "./source-reader.js";

/** Inputs checked together: rules, image checks and hashing run per batch. */
const BATCH = 512;
const CHECK_CONCURRENCY = 16;
/** An errno name (`EIO`, `EACCES`), not Node's own `ERR_…` codes (a bug, reported as one). */
const SYSTEM_ERROR = /^E[A-Z]+$/;

interface SourceContext {
  rules: InputRules;
  report(issues: readonly RuleIssue[]): void;
  resolver: InputResolver;
}

/** Reads the sources of `file` (schema-valid entries), one after the other. */
export async function readSources(
  file: ProblemFile & { absPath: string },
  sources: readonly unknown[],
  context: SourceContext,
): Promise<void> {
  const { problems } = context.resolver.context;
  for (const [index, entry] of sources.entries()) {
    if (!isRecord(entry)) continue;
    const report: SourceReport = {
      at: (place, message) => problems.atFixed({ ...place, column: 0 }, message),
      inEntry: (path, message, options) =>
        problems.at(file, ["sources", index, ...path], message, { key: options?.key ?? false }),
    };
    const source = entry as unknown as RawSource;
    const reader = await readerFor(source, dirname(file.absPath), { report, context });
    if (reader === undefined) continue;
    try {
      await ingest(reader, context);
    } catch (error) {
      // A file that stats as readable and then fails to read (EIO, EACCES on open, a vanished
      // file): the source's problem, not an internal error.
      const code = errorCode(error);
      if (code === undefined || !SYSTEM_ERROR.test(code)) throw error;
      const [field, path] = sourceField(source);
      const shown = context.resolver.context.show(resolve(dirname(file.absPath), path));
      report.inEntry([field], `cannot read ${shown} (${code})`);
    }
  }
}

/** The field that names a source's file or folder, and its value. */
function sourceField(source: RawSource): [string, string] {
  if ("folder" in source) return ["folder", source.folder];
  return "csv" in source ? ["csv", source.csv] : ["jsonl", source.jsonl];
}

async function readerFor(
  source: RawSource,
  fromDir: string,
  options: { report: SourceReport; context: SourceContext },
): Promise<SourceReader | undefined> {
  const { report, context } = options;
  const { images, skipped, show } = context.resolver.context;
  if ("folder" in source) {
    const folder = source as RawFolderSource;
    return folderReader(resolve(fromDir, folder.folder), folder, { report, images, skipped });
  }
  const [field, path] = sourceField(source);
  const absPath = resolve(fromDir, path);
  const problem = await fileProblem(absPath);
  if (problem !== undefined) {
    report.inEntry([field], `${problem}: ${show(absPath)}`);
    return undefined;
  }
  const shown = show(absPath);
  context.resolver.context.sourceFiles.push(shown);
  return "csv" in source
    ? csvReader(absPath, source as RawCsvSource, {
        shown,
        report,
        maxRecordChars: context.resolver.context.limits.maxCsvRecordChars,
      })
    : jsonlReader(absPath, { shown, report });
}

async function fileProblem(absPath: string): Promise<string | undefined> {
  try {
    return (await stat(absPath)).isFile() ? undefined : "not a regular file";
  } catch (error) {
    const code = errorCode(error);
    return code === "ENOENT" || code === "ENOTDIR" ? "file not found" : `cannot read (${code})`;
  }
}

async function ingest(reader: SourceReader, context: SourceContext): Promise<void> {
  let batch: SourceItem[] = [];
  for await (const item of reader.items()) {
    batch.push(item);
    if (batch.length >= BATCH) {
      await checkBatch(batch, reader, context);
      batch = [];
    }
  }
  if (batch.length > 0) await checkBatch(batch, reader, context);
}

/** One batch of a source: checked like declared inputs, then (if the load is clean) resolved. */
async function checkBatch(
  items: readonly SourceItem[],
  reader: SourceReader,
  context: SourceContext,
): Promise<void> {
  const { resolver } = context;
  const { problems, images } = resolver.context;
  const files = items.map((item) => item.file);
  const lines = items.map((item) => item.line);
  const segment = batchSegment(files, lines, reader);
  context.report(
    context.rules.checkInputs(
      segment,
      items.map((item) => item.raw),
    ),
  );
  // Only `file:` inputs a reader did not check itself need a stat: none in a file of URLs.
  const checked: (CheckedImage | undefined)[] = new Array(items.length);
  const toCheck: number[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as SourceItem;
    if (item.image === undefined && item.raw.file !== undefined) toCheck.push(index);
  }
  if (toCheck.length > 0) {
    const found = await mapBounded(toCheck, CHECK_CONCURRENCY, async (index) => {
      const absPath = resolve(reader.baseDir, (items[index] as SourceItem).raw.file ?? "");
      return { absPath, check: await images.check(absPath) } satisfies CheckedImage;
    });
    toCheck.forEach((index, i) => {
      checked[index] = found[i];
    });
  }
  const fileColumn = reader.showPath(["file"]);
  for (const index of toCheck) {
    const image = checked[index];
    if (image === undefined || image.check.ok) continue;
    const place = { file: files[index] ?? "", line: lines[index] ?? 0, column: 0 };
    problems.atFixed({ ...place, path: fileColumn }, image.check.message);
  }
  if (problems.size !== resolver.unreadable) return;
  if (toCheck.length > 0) {
    await hashImages(
      checked.filter((image) => image !== undefined),
      resolver,
    );
  }
  const normaliser = normaliserOf(resolver);
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as SourceItem;
    const { raw, ownStrings } = item;
    const source = { file: item.file, line: item.line, column: 0 };
    const known = item.image;
    const image: DesiredImage | undefined =
      known !== undefined
        ? {
            kind: "file",
            absPath: known.absPath,
            path: raw.file ?? "",
            sha256: known.sha256,
            size: known.size,
          }
        : raw.url !== undefined
          ? normaliser.urlImage(raw.url, { ownStrings })
          : imageOf(raw, checked[index]?.absPath, resolver.hashes, normaliser);
    if (image === undefined) {
      const place = { ...source, path: fileColumn };
      problems.atFixed(
        place,
        `cannot read ${resolver.context.show(checked[index]?.absPath ?? "")}`,
      );
      resolver.unreadable++;
      continue;
    }
    resolver.inputs.add(
      normaliser.normalise(raw, {
        image,
        source,
        origin: item.origin,
        ownStrings,
        json: item.json,
      }),
    );
  }
}

/**
 * The places of a batch's inputs, kept by the rules for first declarations until the load ends:
 * built apart from {@link checkBatch} so that its closure holds only each input's file and line,
 * never the batch's items (a closure keeps every variable of its scope that any closure uses).
 */
function batchSegment(
  files: readonly string[],
  lines: readonly number[],
  reader: SourceReader,
): RuleSegment {
  const { showPath, duplicateId } = reader;
  return {
    place: (index, path) => ({
      fixed: { file: files[index] ?? "", line: lines[index] ?? 0, column: 0, path: showPath(path) },
    }),
    group: reader,
    ...(duplicateId === undefined ? {} : { duplicateId }),
  };
}
