/**
 * `csv:` — one input per row. The header row names the columns; `columns:` says which hold the
 * id, the image, the concepts and the metadata. Parsed as a stream by csv-parse (RFC 4180,
 * UTF-8 with or without BOM): rows are turned into inputs as they arrive.
 */
import { createReadStream } from "node:fs";
import { dirname } from "node:path";
import { parse } from "csv-parse";
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

/** A record from csv-parse with `info` and `raw`. */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
  raw: string;
}

export function csvReader(
  absPath: string,
  source: RawCsvSource,
  options: { shown: string; report: SourceReport },
): SourceReader {
  const { shown, report } = options;
  const { columns } = source;
  const metadataTypes = metadataColumns(columns.metadata);
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
        parse({
          bom: true,
          info: true,
          raw: true,
          skip_empty_lines: true,
          skip_records_with_error: true,
        }),
      );
      parser.on("skip", (error: Error & { lines?: number }) => {
        report.at({ file: shown, line: error.lines ?? 0, path: "" }, csvErrorMessage(error));
      });
      let header: Map<string, number> | undefined;
      for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
        const line = startLine(parsed);
        if (header === undefined) {
          header = readHeader(parsed.record, line);
          if (header === undefined) {
            parser.destroy();
            return;
          }
          continue;
        }
        const item = buildRow(parsed.record, line, header);
        if (item !== undefined) yield item;
      }
      if (header === undefined) {
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

  function buildRow(
    record: readonly string[],
    line: number,
    header: ReadonlyMap<string, number>,
  ): SourceItem | undefined {
    const cell = (name: string): string => record[header.get(name) ?? -1] ?? "";
    const problems: { path: string; message: string }[] = [];
    const raw: RawInput = { id: cell(columns.id) };
    if (columns.url !== undefined) raw.url = cell(columns.url);
    if (columns.file !== undefined) raw.file = cell(columns.file);
    const concepts: RawConcept[] = [];
    const listed = new Map<string, string>();
    const addConcept = (concept: RawConcept, column: string): void => {
      const id = typeof concept === "string" ? concept : concept.id;
      const first = listed.get(id);
      if (first !== undefined) {
        problems.push({
          path: column,
          message: `concept "${id}" is listed twice (also in column "${first}")`,
        });
        return;
      }
      listed.set(id, column);
      concepts.push(concept);
    };
    if (columns.concepts !== undefined) {
      const separator = columns.concept_separator ?? DEFAULT_CONCEPT_SEPARATOR;
      for (const part of cell(columns.concepts).split(separator)) {
        const id = part.trim();
        if (id !== "") addConcept(id, columns.concepts);
      }
    }
    for (const name of columns.concept_columns ?? []) {
      const value = cell(name).trim();
      if (value === "1" || value === "0")
        addConcept({ id: name, value: Number(value) as 0 | 1 }, name);
      else if (value !== "")
        problems.push({ path: name, message: `must be 1, 0 or empty, got "${value}"` });
    }
    for (const concept of source.concepts ?? []) {
      const id = typeof concept === "string" ? concept : concept.id;
      if (!listed.has(id)) concepts.push(concept);
    }
    if (concepts.length > 0) raw.concepts = concepts;
    const metadata: JsonObject = {};
    for (const [name, type] of metadataTypes) {
      const text = cell(name);
      if (text === "") continue;
      const typed = typedCell(text, type);
      if (typed.ok) setOwnKey(metadata, name, typed.value);
      else problems.push({ path: name, message: typed.problem });
    }
    const merged = mergeMetadata(source.metadata ?? {}, metadata);
    if (Object.keys(merged).length > 0) raw.metadata = merged;
    if (source.allow_duplicate_url !== undefined)
      raw.allow_duplicate_url = source.allow_duplicate_url;
    for (const issue of validateInputValue(raw)) {
      problems.push({ path: showPath(issue.path), message: issue.message });
    }
    for (const problem of problems)
      report.at({ file: shown, line, path: problem.path }, problem.message);
    if (problems.length > 0) return undefined;
    return { raw, origin: `${shown}:${line}`, file: shown, line };
  }
}

function metadataColumns(
  metadata: RawCsvSource["columns"]["metadata"],
): Map<string, CsvMetadataType> {
  if (metadata === undefined) return new Map();
  if (Array.isArray(metadata)) return new Map(metadata.map((name) => [name, "string"]));
  return new Map(Object.entries(metadata));
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A metadata cell as its declared type; `{problem}` when it is not one. */
function typedCell(
  text: string,
  type: CsvMetadataType,
): { ok: true; value: JsonValue } | { ok: false; problem: string } {
  const problem = (message: string) => ({ ok: false as const, problem: message });
  switch (type) {
    case "string":
      return { ok: true, value: text };
    case "number": {
      const trimmed = text.trim();
      const value = Number(trimmed);
      if (!NUMBER.test(trimmed) || !Number.isFinite(value))
        return problem(`must be a number, got "${text}"`);
      if (!isExactlyHeld(trimmed, value))
        return problem(
          `${trimmed} cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to ${value}); declare the column as string to keep every digit`,
        );
      return { ok: true, value };
    }
    case "boolean": {
      const lower = text.trim().toLowerCase();
      if (lower === "true" || lower === "false") return { ok: true, value: lower === "true" };
      return problem(`must be true or false, got "${text}"`);
    }
    case "json":
      try {
        return { ok: true, value: JSON.parse(text) as JsonValue };
      } catch (error) {
        return problem(`not valid JSON (${(error as Error).message})`);
      }
    default: {
      const unknown: never = type;
      return problem(`unknown type ${String(unknown)}`);
    }
  }
}

/** The line a record starts on: csv-parse counts the line it ends on. */
function startLine({ info, raw }: ParsedRecord): number {
  const body = raw.replace(/^[\r\n]+/, "").replace(/\r?\n$|\r$/, "");
  return info.lines - (body.match(/\r\n|\r|\n/g)?.length ?? 0);
}

function csvErrorMessage(error: Error & { code?: string }): string {
  // csv-parse ends its messages with " on line N" (or "at line N"); the location says that.
  const message = error.message.replace(/,? (on|at) line \d+\.?$/, "");
  return `not a valid CSV row (${message})`;
}
