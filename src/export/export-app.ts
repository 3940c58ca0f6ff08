/**
 * `dataset export`: streams the app once, by id, and writes a manifest declaring what it holds.
 *
 * Pass 1 streams StreamInputs pages (ordered by id, so re-exports diff cleanly and nothing has to
 * be sorted), turns each selected input into its manifest entry, downloads byte uploads when asked
 * and spools the entries as JSON lines beside the output, while recording every URL's hash. Pass 2
 * reads the spool back and writes the manifest, adding `allow_duplicate_url: true` where the app
 * holds the URL more than once. Memory holds a page, the downloads in flight and 8 bytes per URL.
 */
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { InputsApi } from "../api/client-types.js";
import type { ApiInput } from "../api/types.js";
import { relativePosixPath } from "../plan/planned-input.js";
import { runBounded } from "../util/pool.js";
import {
  type ExportedInput,
  exportLiveInput,
  type OwnershipFilter,
  ownershipOf,
  type SkipReason,
} from "./exported-input.js";
import { LineFile } from "./line-file.js";
import {
  type ExportHeader,
  type RootManifest,
  renderJsonlLine,
  renderPartHead,
  renderRootHead,
  renderYamlItem,
} from "./render-manifest.js";
import { saveImage } from "./save-image.js";
import { UrlDuplicates } from "./url-duplicates.js";

/** Past this many inputs a YAML export is split into included part files. */
const INPUTS_PER_PART = 100_000;
/** Byte uploads downloaded at once. */
const DOWNLOAD_CONCURRENCY = 4;
/** How many ids a result keeps per kind of left-out input, to name them in a warning. */
const IDS_KEPT = 10;

export type ExportFormat = "yaml" | "jsonl";

export interface ExportOptions {
  api: InputsApi;
  /** Absolute path of the root manifest to write. */
  out: string;
  format: ExportFormat;
  name: string;
  app: { user_id: string; app_id: string } | undefined;
  /** e.g. `users/acme/apps/catalog at https://api.clarifai.com`, for the header comment. */
  appLabel: string;
  filter: OwnershipFilter;
  /** Absolute directory for downloaded byte uploads; without it they are left out. */
  downloadDir?: string | undefined;
  /** The export's time, for the header comment. */
  now: Date;
  signal?: AbortSignal | undefined;
  /** Inputs per YAML part file; default {@link INPUTS_PER_PART}. */
  inputsPerPart?: number;
  /** Called after each page with the number of live inputs read so far. */
  onPage?: (read: number) => void;
}

/** Some left-out inputs: how many, and the first few ids. */
interface LeftOut {
  count: number;
  ids: string[];
}

export interface ExportResult {
  /** Inputs declared by the written manifest. */
  inputs: number;
  /** Live inputs read. */
  read: number;
  /** Files written, root manifest first (downloaded images not included). */
  files: string[];
  /** Byte uploads saved into the download dir. */
  downloaded: number;
  /** Inputs declared with `allow_duplicate_url: true`. */
  duplicateUrls: number;
  /** Byte uploads left out because no `--download` dir was given. */
  bytesLeftOut: LeftOut;
  /** Byte uploads whose bytes could not be had (with the first reason). */
  downloadFailed: LeftOut & { reason?: string };
  /** Inputs whose id or image the manifest cannot declare. */
  unsupported: LeftOut & { reasons: Partial<Record<SkipReason, number>> };
  /** Inputs the ownership filter left out, per owning manifest (`""` = no marker). */
  filteredOut: Map<string, number>;
}

function leftOut(): LeftOut {
  return { count: 0, ids: [] };
}

function note(list: LeftOut, id: string): void {
  list.count++;
  if (list.ids.length < IDS_KEPT) list.ids.push(id);
}

/** Paths the export writes, derived from the root manifest's path. */
function exportPaths(out: string) {
  const dir = dirname(out);
  const stem = basename(out).replace(/\.ya?ml$/i, "");
  return {
    dir,
    jsonl: join(dir, `${stem}.jsonl`),
    part: (index: number) =>
      join(dir, `${stem}.parts`, `inputs-${String(index).padStart(4, "0")}.yaml`),
    spool: join(dir, `.${stem}.export-spool.jsonl`),
  };
}

export async function exportApp(options: ExportOptions): Promise<ExportResult> {
  const paths = exportPaths(options.out);
  const result: ExportResult = {
    inputs: 0,
    read: 0,
    files: [],
    downloaded: 0,
    duplicateUrls: 0,
    bytesLeftOut: leftOut(),
    downloadFailed: leftOut(),
    unsupported: { ...leftOut(), reasons: {} },
    filteredOut: new Map(),
  };
  const urls = new UrlDuplicates();
  const spool = await LineFile.create(paths.spool);
  try {
    for await (const page of options.api.streamInputs({
      orderById: true,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })) {
      const entries = await exportPage(page, options, result, urls);
      for (const entry of entries) await spool.write(`${JSON.stringify(entry)}\n`);
      result.inputs += entries.length;
      result.read += page.length;
      options.onPage?.(result.read);
    }
    await spool.commit();
  } catch (error) {
    await spool.discard();
    throw error;
  }
  urls.seal();
  try {
    result.files = await writeManifest(options, result, urls, paths);
  } finally {
    await rm(paths.spool, { force: true });
  }
  return result;
}

/** The entries of one page, in page order, with byte uploads downloaded (or left out). */
async function exportPage(
  page: readonly ApiInput[],
  options: ExportOptions,
  result: ExportResult,
  urls: UrlDuplicates,
): Promise<ExportedInput[]> {
  const slots: (ExportedInput | undefined)[] = [];
  const downloads: {
    slot: number;
    input: ApiInput;
    entry: ExportedInput;
    url?: string;
    base64?: string;
  }[] = [];
  for (const input of page) {
    const decided = exportLiveInput(input);
    if (decided.kind === "url" && decided.entry.url !== undefined) urls.add(decided.entry.url);
    const { selected, owner } = ownershipOf(input, options.filter);
    if (!selected) {
      const key = owner ?? "";
      result.filteredOut.set(key, (result.filteredOut.get(key) ?? 0) + 1);
      continue;
    }
    if (decided.kind === "skip") {
      note(result.unsupported, decided.id);
      result.unsupported.reasons[decided.reason] =
        (result.unsupported.reasons[decided.reason] ?? 0) + 1;
      continue;
    }
    if (decided.kind === "url") {
      slots.push(decided.entry);
      continue;
    }
    if (options.downloadDir === undefined) {
      note(result.bytesLeftOut, decided.entry.id);
      continue;
    }
    const source = decided.source;
    downloads.push({
      slot: slots.length,
      input,
      entry: decided.entry,
      ...(source.kind === "hosted" ? { url: source.url } : {}),
      ...(source.kind === "base64" ? { base64: source.data } : {}),
    });
    slots.push(undefined);
  }
  const dir = options.downloadDir;
  if (dir !== undefined && downloads.length > 0) {
    await runBounded(
      downloads,
      { concurrency: DOWNLOAD_CONCURRENCY, signal: options.signal },
      async (d) => {
        try {
          const bytes = await bytesOf(d, options);
          const path = await saveImage(dir, bytes);
          result.downloaded++;
          slots[d.slot] = withFile(d.entry, path);
        } catch (error) {
          if (options.signal?.aborted) throw error;
          if (result.downloadFailed.reason === undefined) {
            result.downloadFailed.reason = `${d.entry.id}: ${(error as Error).message}`;
          }
          note(result.downloadFailed, d.entry.id);
        }
      },
    );
  }
  return slots.filter((entry): entry is ExportedInput => entry !== undefined);
}

/**
 * The bytes of a byte upload: echoed base64, else the hosted copy. When the stream's copy of the
 * input names neither, GetInput is asked once (it may carry what a list reply leaves out).
 */
async function bytesOf(
  d: { input: ApiInput; url?: string; base64?: string },
  options: ExportOptions,
): Promise<Uint8Array> {
  if (d.base64 !== undefined) return new Uint8Array(Buffer.from(d.base64, "base64"));
  let url = d.url;
  if (url === undefined) {
    const fresh = await options.api.getInput(d.input.id, {
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const decided = fresh === undefined ? undefined : exportLiveInput(fresh);
    if (decided?.kind === "bytes" && decided.source.kind === "base64") {
      return new Uint8Array(Buffer.from(decided.source.data, "base64"));
    }
    if (decided?.kind === "bytes" && decided.source.kind === "hosted") url = decided.source.url;
  }
  if (url === undefined) {
    throw new Error("the API returned neither its bytes nor a hosted URL (not indexed yet?)");
  }
  return options.api.downloadHostedImage(url, {
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The entry declaring `file:` (an absolute path until rendered), image first after the id. */
function withFile(entry: ExportedInput, path: string): ExportedInput {
  const { id, ...rest } = entry;
  return { id, file: path, ...rest };
}

/** Writes the root manifest (and its parts or JSONL file) from the spool; returns the paths. */
async function writeManifest(
  options: ExportOptions,
  result: ExportResult,
  urls: UrlDuplicates,
  paths: ReturnType<typeof exportPaths>,
): Promise<string[]> {
  const header: ExportHeader = {
    app: options.appLabel,
    exportedAt: options.now.toISOString(),
    inputs: result.inputs,
    notes: headerNotes(result),
  };
  const root: RootManifest = { name: options.name, app: options.app };
  const entries = readSpool(paths.spool, urls, result);
  const relativeTo = (file: string) => (entry: ExportedInput) =>
    entry.file === undefined
      ? entry
      : { ...entry, file: relativePosixPath(dirname(file), entry.file) };

  if (options.format === "jsonl") {
    const jsonlName = relative(paths.dir, paths.jsonl).replaceAll("\\", "/");
    const fix = relativeTo(paths.jsonl);
    await writeLines(paths.jsonl, "", entries, (entry) => renderJsonlLine(fix(entry)));
    await writeLines(
      options.out,
      renderRootHead({ ...root, jsonlSources: [jsonlName] }, header, { inputsFollow: false }),
      [],
      () => "",
    );
    return [options.out, paths.jsonl];
  }

  const perPart = options.inputsPerPart ?? INPUTS_PER_PART;
  if (result.inputs <= perPart) {
    const fix = relativeTo(options.out);
    await writeLines(
      options.out,
      renderRootHead(root, header, { inputsFollow: result.inputs > 0 }),
      entries,
      (entry) => renderYamlItem(fix(entry)),
    );
    return [options.out];
  }

  const parts = Math.ceil(result.inputs / perPart);
  const partPaths = Array.from({ length: parts }, (_, i) => paths.part(i + 1));
  const include = partPaths.map((p) => relative(paths.dir, p).replaceAll("\\", "/"));
  const iterator = entries[Symbol.asyncIterator]();
  for (const [i, partPath] of partPaths.entries()) {
    const fix = relativeTo(partPath);
    const slice = take(iterator, perPart);
    await writeLines(
      partPath,
      renderPartHead(header, { index: i + 1, of: parts }),
      slice,
      (entry) => renderYamlItem(fix(entry)),
    );
  }
  await writeLines(
    options.out,
    renderRootHead({ ...root, include }, header, { inputsFollow: false }),
    [],
    () => "",
  );
  return [options.out, ...partPaths];
}

function headerNotes(result: ExportResult): string[] {
  const notes: string[] = [];
  if (result.bytesLeftOut.count > 0) {
    notes.push(
      `${inputs(result.bytesLeftOut.count)} uploaded as bytes not declared (export with --download DIR to declare them as files).`,
    );
  }
  if (result.downloadFailed.count > 0) {
    notes.push(
      `${inputs(result.downloadFailed.count)} uploaded as bytes not declared: their images could not be downloaded.`,
    );
  }
  return notes;
}

function inputs(n: number): string {
  return `${n} ${n === 1 ? "input" : "inputs"}`;
}

/** The spooled entries, with `allow_duplicate_url` added where the app holds the URL twice. */
async function* readSpool(
  path: string,
  urls: UrlDuplicates,
  result: ExportResult,
): AsyncGenerator<ExportedInput> {
  const lines = createInterface({
    input: createReadStream(path, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line === "") continue;
    const entry = JSON.parse(line) as ExportedInput;
    if (entry.url !== undefined && urls.isDuplicated(entry.url)) {
      result.duplicateUrls++;
      yield { ...entry, allow_duplicate_url: true };
    } else {
      yield entry;
    }
  }
}

/** The next `n` items of `iterator`, as an iterable that does not close it. */
async function* take<T>(iterator: AsyncIterator<T>, n: number): AsyncGenerator<T> {
  for (let i = 0; i < n; i++) {
    const next = await iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}

async function writeLines<T>(
  path: string,
  head: string,
  items: AsyncIterable<T> | Iterable<T>,
  render: (item: T) => string,
): Promise<void> {
  const file = await LineFile.create(resolve(path));
  try {
    await file.write(head);
    for await (const item of items) await file.write(render(item));
    await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  }
}
