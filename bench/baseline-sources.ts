/**
 * The floor of a source plan, run as its own process: a hand-written script that parses the same
 * JSONL line by line (or the same CSV with csv-parse, the most used CSV parser on npm; `parser:
 * "papaparse"` reads it with the parser the tool uses, a record at a time) and then streams the
 * whole app with undici, one after the other, keeping a compact (id → line) map as a planner
 * must. Prints one JSON line: `{parsed, streamed, parseMs, streamMs}`.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import Papa from "papaparse";
import { streamRaw } from "./raw-stream.js";

interface Args {
  kind: "jsonl" | "csv";
  file: string;
  url: string;
  userId: string;
  appId: string;
  perPage: number;
  /** The CSV's parser (default csv-parse). */
  parser?: "csv-parse" | "papaparse";
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const ids = new Map<string, number>();

const parseStart = performance.now();
if (args.kind === "jsonl") {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(args.file, "utf8") })) {
    line++;
    if (text === "") continue;
    const input = JSON.parse(text) as { id: string };
    ids.set(input.id, line);
  }
} else if (args.parser === "papaparse") {
  let line = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(args.file, "utf8"), {
      skipEmptyLines: true,
      step: ({ data }) => {
        line++;
        if (line > 1) ids.set(data[0] ?? "", line);
      },
      complete: () => resolve(),
      error: reject,
    });
  });
} else {
  let line = 0;
  for await (const record of createReadStream(args.file).pipe(parse({ bom: true }))) {
    line++;
    if (line > 1) ids.set((record as string[])[0] ?? "", line);
  }
}
const parseMs = performance.now() - parseStart;

const streamStart = performance.now();
const { streamed } = await streamRaw(args);
const streamMs = performance.now() - streamStart;
process.stdout.write(`${JSON.stringify({ parsed: ids.size, streamed, parseMs, streamMs })}\n`);
