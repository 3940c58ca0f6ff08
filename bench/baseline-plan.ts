/**
 * The plan baseline, run as its own process: what a minimal hand-written script must do at least
 * to plan — parse the same manifest files with the same YAML parser the loader uses (js-yaml),
 * then stream the whole app with undici at the same page size, parsing each page and discarding
 * it (no streaming when `url` is empty). Prints one JSON line: `{parsed, streamed, pages, parseMs, streamMs}`.
 */
import { readFile } from "node:fs/promises";
import { load } from "js-yaml";
import { streamRaw } from "./raw-stream.js";

interface Args {
  files: string[];
  url: string;
  userId: string;
  appId: string;
  perPage: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;

const parseStart = performance.now();
// Kept until the end, as a script that compares them with the app would keep them.
const parsed: unknown[] = [];
let declared = 0;
for (const file of args.files) {
  const doc = load(await readFile(file, "utf8")) as { inputs?: unknown[] } | null;
  if (Array.isArray(doc?.inputs)) {
    declared += doc.inputs.length;
    parsed.push(doc.inputs);
  }
}
const parseMs = performance.now() - parseStart;

const streamStart = performance.now();
const { streamed, pages } = args.url === "" ? { streamed: 0, pages: 0 } : await streamRaw(args);
const streamMs = performance.now() - streamStart;
process.stdout.write(
  `${JSON.stringify({ parsed: declared, streamed, pages, parseMs, streamMs, kept: parsed.length })}\n`,
);
