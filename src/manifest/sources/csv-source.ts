/**
 * `csv:` — one input per row. The header row names the columns; `columns:` says which hold the
 * id, the image, the concepts and the metadata. Read as a stream ({@link csvChunks}): rows are
 * turned into inputs as they arrive.
 */
import { dirname } from "node:path";
import type { JsonObject, JsonValue } from "../../api/types.js";
import { flatCopy } from "../../util/flat-copy.js";
import { setOwnKey } from "../../util/own-key.js";
import { mergeMetadata } from "../defaults.js";
import type { DocPath } from "../doc-path.js";
import { formatDocPath } from "../doc-path.js";
import type { CsvMetadataType, RawConcept, RawCsvSource, RawInput } from "../raw.js";
import { isExactlyHeld } from "../rules.js";
import { schemaConceptIdPattern, validateInputValue } from "../schema.js";
import { CsvRunawayRecord, csvChunks } from "./csv-records.js";
import type { SourceItem, SourceReader, SourceReport } from "./source-reader.js";

/** The concepts column's separator when `concept_separator` is not given. */
const DEFAULT_CONCEPT_SEPARATOR = ";";

export function csvReader(
  absPath: string,
  source: RawCsvSource,
  options: { shown: string; report: SourceReport; maxRecordChars?: number },
): SourceReader {
  const { shown, report, maxRecordChars } = options;
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
      let layout: RowLayout | undefined;
      for await (const chunk of csvChunks(absPath, { maxRecordChars })) {
        if (chunk instanceof CsvRunawayRecord) {
          const size = `${Math.round((chunk.limit / 2 ** 20) * 10) / 10} MiB`;
          at(chunk.line, "", `a row runs on for more than ${size} (is a quote left open?)`);
          return;
        }
        const { records, lines, broken } = chunk;
        for (let index = 0; index < records.length; index++) {
          const record = records[index] as string[];
          const line = lines[index] as number;
          const why = broken.get(index);
          if (why !== undefined) {
            at(line, "", `not a valid CSV row: ${why}`);
            continue;
          }
          if (layout === undefined) {
            const header = readHeader(record, line);
            if (header === undefined) return;
            layout = layoutOf(header);
            continue;
          }
          if (record.length !== layout.width) {
            at(
              line,
              "",
              `not a valid CSV row: it has ${record.length} fields, the header has ${layout.width}`,
            );
            continue;
          }
          const item = buildRow(record, line, layout);
          if (item !== undefined) yield item;
        }
      }
      if (layout === undefined) at(0, "", "has no header row (it is empty)");
    },
  };

  /**
   * A problem at a row. Cells are views into the chunk of text they were read from: the message
   * is copied flat, so that a kept problem does not keep the chunk.
   */
  function at(line: number, path: string, message: string): void {
    report.at({ file: shown, line, path }, flatCopy(message));
  }

  /** Column name → index; undefined (reported) when a declared column is missing. */
  function readHeader(names: string[], line: number): Map<string, number> | undefined {
    const header = new Map<string, number>();
    names.forEach((name, index) => {
      if (header.has(name)) {
        at(line, name, "column name appears twice in the header");
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
      width: header.size,
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
      for (const { path, message } of problems) at(line, path, message);
      return undefined;
    }
    // Cells are views into the chunk of text they were read from: the normaliser copies what
    // it keeps (ownStrings false).
    return { raw, origin: `${shown}:${line}`, file: shown, line, ownStrings: false };
  }
}

/** The declared columns' positions in the header (-1: missing, reported with the header). */
interface RowLayout {
  /** The header's number of columns: every row has as many. */
  width: number;
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
