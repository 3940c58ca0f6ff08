/**
 * The records of a CSV file, read as a stream by papaparse (RFC 4180 quoting; the record
 * delimiter, `\n`, `\r\n` or `\r`, told from the start of the file; UTF-8 with or without BOM),
 * handed on a chunk at a time with the line each record starts on. Papaparse reads the benchmarks'
 * CSV about twice as fast as csv-parse did (bench/csv-parsers.ts; README, "Development").
 *
 * Lines are counted from the records: a record spans one line plus the line breaks inside its
 * fields (only a quoted field can hold one, and keeps it as written). Empty lines are skipped and
 * counted. A quote left open would make the rest of the file one record: a record longer than
 * {@link MAX_RECORD_CHARS} stops the read with a problem at the line it starts on.
 */
import { createReadStream } from "node:fs";
import Papa from "papaparse";

/** One chunk of records. */
export interface CsvChunk {
  /** The records, empty lines left out. */
  records: string[][];
  /** The line each record starts on. */
  lines: number[];
  /** By index in `records`: why papaparse could not read it as written (quotes). */
  broken: Map<number, string>;
}

/** Characters a record may run to (16 Mi): far above any real row, far below V8's string limit. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** What stopped the read: a record ran on past `limit` characters from `line`. */
export class CsvRunawayRecord {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {}
}

/** Characters read at a time (the stream's chunk). */
const CHUNK_BYTES = 64 * 1024;

export async function* csvChunks(
  absPath: string,
  options: { maxRecordChars?: number } = {},
): AsyncGenerator<CsvChunk | CsvRunawayRecord> {
  const maxRecordChars = options.maxRecordChars ?? MAX_RECORD_CHARS;
  const input = createReadStream(absPath, { encoding: "utf8", highWaterMark: CHUNK_BYTES });
  /** Characters the stream has handed papaparse (listened to before papaparse listens). */
  let fed = 0;
  input.on("data", (chunk: string | Buffer) => {
    fed += chunk.length;
  });
  let parsed: Papa.ParseResult<string[]>[] = [];
  let parser: Papa.Parser | undefined;
  let done = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  Papa.parse<string[]>(input, {
    delimiter: ",",
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
    beforeFirstChunk: (chunk) => (chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk),
    // Each parsed chunk waits for the reader (the stream pauses with it): memory stays flat.
    chunk: (results, handle) => {
      parsed.push(results);
      parser = handle;
      handle.pause();
      signal();
    },
    complete: () => {
      done = true;
      signal();
    },
    error: (error) => {
      failure = error;
      signal();
    },
  });
  let nextLine = 1;
  try {
    for (;;) {
      if (parsed.length > 0) {
        const results = parsed;
        parsed = [];
        for (const { data, errors, meta } of results) {
          const chunk = linedChunk(data, errors, nextLine);
          nextLine = chunk.nextLine;
          if (chunk.records.length > 0) yield chunk;
          const pending = fed - meta.cursor;
          if (!done && pending > maxRecordChars) {
            yield new CsvRunawayRecord(nextLine, maxRecordChars);
            return;
          }
        }
        if (!done) parser?.resume();
        continue;
      }
      if (failure !== undefined) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!done) parser?.abort();
    input.destroy();
  }
}

/** A parsed chunk's records with their lines; `nextLine`: where the next record starts. */
function linedChunk(
  data: string[][],
  errors: readonly Papa.ParseError[],
  firstLine: number,
): CsvChunk & { nextLine: number } {
  const records: string[][] = [];
  const lines: number[] = [];
  const broken = new Map<number, string>();
  const brokenRows = new Map<number, string>();
  for (const error of errors) {
    const { row } = error;
    if (row !== undefined && !brokenRows.has(row)) brokenRows.set(row, errorMessage(error));
  }
  let line = firstLine;
  for (let index = 0; index < data.length; index++) {
    const record = data[index] as string[];
    const start = line;
    line += 1 + lineBreaks(record);
    if (record.length === 1 && record[0] === "") continue;
    const why = brokenRows.get(index);
    if (why !== undefined) broken.set(records.length, why);
    records.push(record);
    lines.push(start);
  }
  return { records, lines, broken, nextLine: line };
}

/** Papaparse's complaint in our words. */
function errorMessage({ code, message }: Papa.ParseError): string {
  switch (code) {
    case "InvalidQuotes":
      return 'a quoted cell goes on after its closing quote (a quote inside a quoted cell is written "")';
    case "MissingQuotes":
      return "a quoted cell is never closed: the file ends inside it";
    default:
      return message;
  }
}

/** The line breaks inside a record's fields (`\r\n`, `\r` or `\n`, each one break). */
function lineBreaks(record: readonly string[]): number {
  let breaks = 0;
  for (let i = 0; i < record.length; i++) {
    const field = record[i] as string;
    if (field.length === 0 || (field.indexOf("\n") === -1 && field.indexOf("\r") === -1)) continue;
    for (let at = 0; at < field.length; at++) {
      const code = field.charCodeAt(at);
      if (code === 10) breaks++;
      else if (code === 13) {
        breaks++;
        if (field.charCodeAt(at + 1) === 10) at++;
      }
    }
  }
  return breaks;
}
