/**
 * The plan baseline, run as its own process: what a minimal hand-written script must do at least
 * to plan — parse the same manifest files with the same YAML parser the loader uses (js-yaml),
 * then stream the whole app with undici at the same page size, parsing each page and discarding
 * it (no streaming when `url` is empty). Prints one JSON line: `{parsed, streamed, pages, parseMs, streamMs}`.
 */
import { readFile } from "node:fs/promises";
import { load } from "js-yaml";
import { Agent, request } from "undici";

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
let streamed = 0;
let pages = 0;
if (args.url !== "") await streamAll();
const streamMs = performance.now() - streamStart;
process.stdout.write(
  `${JSON.stringify({ parsed: declared, streamed, pages, parseMs, streamMs, kept: parsed.length })}\n`,
);

async function streamAll(): Promise<void> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const base = `${args.url}/v2/users/${args.userId}/apps/${args.appId}/inputs/stream`;
  let lastId: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ per_page: String(args.perPage) });
    if (lastId !== undefined) query.set("last_id", lastId);
    const response = await request(`${base}?${query}`, {
      dispatcher,
      headers: { authorization: "Key bench", accept: "application/json" },
    });
    const body = (await response.body.json()) as {
      status: { code: number };
      inputs?: { id: string }[];
    };
    if (body.status.code !== 10000) throw new Error(`StreamInputs answered ${body.status.code}`);
    pages++;
    const page = body.inputs ?? [];
    streamed += page.length;
    if (page.length < args.perPage) break;
    lastId = page[page.length - 1]?.id;
  }
  await dispatcher.close();
}
