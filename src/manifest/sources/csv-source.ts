/**
 * `csv:` — one input per row. The header row names the columns; `columns:` says which hold the
 * id, the image, the concepts and the metadata. Parsed as a stream by csv-parse (RFC 4180,
 * UTF-8 with or without BOM): rows are turned into inputs as they arrive.
 */
import { createReadStream } from "node:fs";
import { dirname } from "node:path";
import { Parser } from "csv-parse";
import type { JsonObject, JsonValue } from "../../api/types.js";
import { setOwnKey } from "../../util/own-key.js";
import { mergeMetadata } from "../defaults.js";
import type { DocPath } from "../doc-path.js";
import { formatDocPath } from "../doc-path.js";
import type { CsvMetadataType, RawConcept, RawCsvSource, RawInput } from "../raw.js";
import { isExactlyHeld } from "../rules.js";
import { schemaConceptIdPattern, validateInputValue } from "../schema.js";
import type { SourceItem, SourceReader, SourceReport } from "./source-reader.js";

/** The concepts column's separator when `concept_separator` is not given. */
const DEFAULT_CONCEPT_SEPARATOR = ";";

/** A record and the line it ends on (csv-parse counts the lines it has read). */
interface ParsedRecord {
  record: string[];
  endLine: number;
}

/**
 * csv-parse's stream, pushing each chunk's records as one array, each with the line it ends on.
 * Its `info: true` builds an object of a dozen counters per record, and the stream hands records
 * on one by one: both cost more than parsing. The parser pushes a record as soon as it has read
 * it, so `info.lines` is then the record's last line.
 */
class LinedCsvParser extends Parser {
  private batch: ParsedRecord[] = [];

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      this.pushBatch();
      return super.push(null, encoding);
    }
    this.batch.push({ record: chunk as string[], endLine: this.info.lines });
    return true;
  }

  override _transform(
    buffer: Buffer,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    super._transform(buffer, encoding, (error) => {
      this.pushBatch();
      callback(error);
    });
  }

  override _flush(callback: (error?: Error | null) => void): void {
    super._flush((error) => {
      this.pushBatch();
      callback(error);
    });
  }

  private pushBatch(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    super.push(batch);
  }
}

export function csvReader(
  absPath: string,
  source: RawCsvSource,
  options: { shown: string; report: SourceReport },
): SourceReader {
  const { shown, report } = options;
  const { columns } = source;
  const metadataTypes = metadataColumns(columns.metadata);
  const separator = columns.concept_separator ?? DEFAULT_CONCEPT_SEPARATOR;
  /** A row's concept ids → the column that listed them (one map, cleared per row). */
  const listed = new Map<string, string>();
  const showPath = (path: DocPath): string => {
    const [field, key] = path;
    if (field === "id") return columns.id;
    if (field === "url" && columns.url !== undefined) return columns.url;
    if (field === "file" && columns.file !== undefined) return columns.file;
    if (field === "concepts") return columns.concepts ?? "concepts";
    if (field === "metadata" && typeof key === "string" && metadataTypes.has(key)) return key;
    return formatDocPath(path);
  };
  return {
    baseDir: dirname(absPath),
    showPath,
    async *items(): AsyncGenerator<SourceItem> {
      const parser = createReadStream(absPath).pipe(
        new LinedCsvParser({ bom: true, skip_empty_lines: true, skip_records_with_error: true }),
      );
      parser.on("skip", (error: Error & { lines?: number }) => {
        report.at({ file: shown, line: error.lines ?? 0, path: "" }, csvErrorMessage(error));
      });
      let layout: RowLayout | undefined;
      let previousEnd = 0;
      for await (const batch of parser as AsyncIterable<ParsedRecord[]>) {
        for (const parsed of batch) {
          const line = startLine(parsed, previousEnd);
          previousEnd = parsed.endLine;
          if (layout === undefined) {
            const header = readHeader(parsed.record, line);
            if (header === undefined) {
              parser.destroy();
              return;
            }
            layout = layoutOf(header);
            continue;
          }
          const item = buildRow(parsed.record, line, layout);
          if (item !== undefined) yield item;
        }
      }
      if (layout === undefined) {
        report.at({ file: shown, line: 0, path: "" }, "has no header row (it is empty)");
      }
    },
  };

  /** Column name → index; undefined (reported) when a declared column is missing. */
  function readHeader(names: string[], line: number): Map<string, number> | undefined {
    const header = new Map<string, number>();
    names.forEach((name, index) => {
      if (header.has(name)) {
        report.at({ file: shown, line, path: name }, "column name appears twice in the header");
      } else header.set(name, index);
    });
    let ok = header.size === names.length;
    const listed = names.map((name) => JSON.stringify(name)).join(", ");
    const need = (name: string, path: DocPath, key = false): void => {
      if (header.has(name)) return;
      ok = false;
      report.inEntry(path, `column "${name}" is not in ${shown}'s header (${listed})`, { key });
    };
    need(columns.id, ["columns", "id"]);
    if (columns.url !== undefined) need(columns.url, ["columns", "url"]);
    if (columns.file !== undefined) need(columns.file, ["columns", "file"]);
    if (columns.concepts !== undefined) need(columns.concepts, ["columns", "concepts"]);
    const conceptId = schemaConceptIdPattern();
    (columns.concept_columns ?? []).forEach((name, index) => {
      const path = ["columns", "concept_columns", index];
      need(name, path);
      if (!conceptId.test(name)) {
        ok = false;
        report.inEntry(
          path,
          `column "${name}" names a concept, and concept ids are 1 to 48 letters, digits, "_" or "-"`,
        );
      }
    });
    const metadata = columns.metadata;
    if (Array.isArray(metadata)) {
      for (const [index, name] of metadata.entries()) need(name, ["columns", "metadata", index]);
    } else if (metadata !== undefined) {
      for (const name of Object.keys(metadata)) need(name, ["columns", "metadata", name], true);
    }
    return ok ? header : undefined;
  }

  /** Where each declared column is in the header: read once, not per row. */
  function layoutOf(header: ReadonlyMap<string, number>): RowLayout {
    const at = (name: string): number => header.get(name) ?? -1;
    return {
      id: at(columns.id),
      url: columns.url === undefined ? undefined : at(columns.url),
      file: columns.file === undefined ? undefined : at(columns.file),
      concepts: columns.concepts === undefined ? undefined : at(columns.concepts),
      conceptColumns: (columns.concept_columns ?? []).map((name) => ({ name, index: at(name) })),
      metadata: [...metadataTypes].map(([name, type]) => ({
        name,
        type,
        index: at(name),
        // `metadata[name] = value` would set the prototype instead of adding the key.
        plainKey: name !== "__proto__",
      })),
    };
  }

  function buildRow(
    record: readonly string[],
    line: number,
    layout: RowLayout,
  ): SourceItem | undefined {
    const cell = (index: number): string => record[index] ?? "";
    let problems: { path: string; message: string }[] | undefined;
    const problem = (path: string, message: string): void => {
      problems ??= [];
      problems.push({ path, message });
    };
    const raw: RawInput = { id: cell(layout.id) };
    if (layout.url !== undefined) raw.url = cell(layout.url);
    if (layout.file !== undefined) raw.file = cell(layout.file);
    const concepts: RawConcept[] = [];
    listed.clear();
    const addConcept = (concept: RawConcept, column: string): void => {
      const id = typeof concept === "string" ? concept : concept.id;
      const first = listed.get(id);
      if (first !== undefined) {
        problem(column, `concept "${id}" is listed twice (also in column "${first}")`);
        return;
      }
      listed.set(id, column);
      concepts.push(concept);
    };
    if (columns.concepts !== undefined && layout.concepts !== undefined) {
      const text = cell(layout.concepts);
      if (text !== "") {
        for (const part of text.split(separator)) {
          const id = part.trim();
          if (id !== "") addConcept(id, columns.concepts);
        }
      }
    }
    for (const { name, index } of layout.conceptColumns) {
      const text = cell(index);
      if (text === "") continue;
      const value = text.trim();
      if (value === "1" || value === "0")
        addConcept({ id: name, value: value === "1" ? 1 : 0 }, name);
      else if (value !== "") problem(name, `must be 1, 0 or empty, got "${value}"`);
    }
    for (const concept of source.concepts ?? []) {
      const id = typeof concept === "string" ? concept : concept.id;
      if (!listed.has(id)) concepts.push(concept);
    }
    if (concepts.length > 0) raw.concepts = concepts;
    let metadata: JsonObject | undefined;
    for (const { name, type, index, plainKey } of layout.metadata) {
      const text = cell(index);
      if (text === "") continue;
      const typed = typedCell(text, type);
      if (typed instanceof CellProblem) {
        problem(name, typed.message);
        continue;
      }
      metadata ??= {};
      if (plainKey) metadata[name] = typed;
      else setOwnKey(metadata, name, typed);
    }
    const merged =
      source.metadata === undefined ? metadata : mergeMetadata(source.metadata, metadata ?? {});
    if (merged !== undefined && Object.keys(merged).length > 0) raw.metadata = merged;
    if (source.allow_duplicate_url !== undefined)
      raw.allow_duplicate_url = source.allow_duplicate_url;
    for (const issue of validateInputValue(raw)) problem(showPath(issue.path), issue.message);
    if (problems !== undefined) {
      for (const { path, message } of problems) report.at({ file: shown, line, path }, message);
      return undefined;
    }
    // csv-parse's cells are fresh strings; metadata from the manifest's YAML may not be.
    const ownStrings = source.metadata === undefined;
    return { raw, origin: `${shown}:${line}`, file: shown, line, ownStrings };
  }
}

/** The declared columns' positions in the header (-1: missing, reported with the header). */
interface RowLayout {
  id: number;
  url: number | undefined;
  file: number | undefined;
  concepts: number | undefined;
  conceptColumns: { name: string; index: number }[];
  metadata: { name: string; type: CsvMetadataType; index: number; plainKey: boolean }[];
}

function metadataColumns(
  metadata: RawCsvSource["columns"]["metadata"],
): Map<string, CsvMetadataType> {
  if (metadata === undefined) return new Map();
  if (Array.isArray(metadata)) return new Map(metadata.map((name) => [name, "string"]));
  return new Map(Object.entries(metadata));
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Why a cell is not of its column's type (a class: a cell's value is any JSON value). */
class CellProblem {
  constructor(readonly message: string) {}
}

/** A metadata cell as its declared type, or the problem (nothing allocated for a good cell). */
function typedCell(text: string, type: CsvMetadataType): JsonValue | CellProblem {
  switch (type) {
    case "string":
      return text;
    case "number": {
      const trimmed = text.trim();
      const value = Number(trimmed);
      if (!NUMBER.test(trimmed) || !Number.isFinite(value))
        return new CellProblem(`must be a number, got "${text}"`);
      if (!isExactlyHeld(trimmed, value))
        return new CellProblem(
          `${trimmed} cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to ${value}); declare the column as string to keep every digit`,
        );
      return value;
    }
    case "boolean": {
      const lower = text.trim().toLowerCase();
      if (lower === "true" || lower === "false") return lower === "true";
      return new CellProblem(`must be true or false, got "${text}"`);
    }
    case "json":
      try {
        return JSON.parse(text) as JsonValue;
      } catch (error) {
        return new CellProblem(`not valid JSON (${(error as Error).message})`);
      }
    default: {
      const unknown: never = type;
      return new CellProblem(`unknown type ${String(unknown)}`);
    }
  }
}

/**
 * The line a record starts on: csv-parse counts the line it ends on. A record that ends on the
 * line after the one before it (`previousEnd`) is on that line alone. Otherwise it spans lines,
 * or empty lines came before it: a line break inside a record can only be inside a quoted field,
 * kept in the field's value as written, so the fields tell how many lines it spans (csv-parse's
 * `raw` would tell too, at the cost of copying every byte once more).
 */
function startLine({ endLine, record }: ParsedRecord, previousEnd: number): number {
  if (endLine === previousEnd + 1) return endLine;
  let breaks = 0;
  for (const field of record) {
    if (field.includes("\n") || field.includes("\r")) {
      breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
    }
  }
  return endLine - breaks;
}

function csvErrorMessage(error: Error & { code?: string }): string {
  // csv-parse ends its messages with " on line N" (or "at line N"); the location says that.
  const message = error.message.replace(/,? (on|at) line \d+\.?$/, "");
  return `not a valid CSV row (${message})`;
}
