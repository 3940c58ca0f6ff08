/**
 * Emulator throughput: a bulk seed into an empty store, one full StreamInputs pass over it
 * (per_page 1000, `last_id` paging, bodies parsed by the client in the same process), and
 * PostInputs at 128 inputs per request over HTTP (a few requests in flight, indexing running). Run: `node dist/bench/emulator-throughput.js [posted] [streamed]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Agent } from "undici";
import type { ApiInput, MultiInputResponse } from "../src/api/types.js";
import { startEmulator } from "../src/emulator/index.js";

export interface ThroughputOptions {
  /** Inputs posted through PostInputs (128 per request). */
  postInputs?: number;
  /** Inputs seeded, then read back by one StreamInputs pass. */
  streamInputs?: number;
  /** PostInputs requests in flight. */
  concurrency?: number;
  /** SQLite file directory; default a fresh temp dir (removed afterwards). */
  dir?: string;
}

export interface ThroughputResult {
  index: { inputs: number; seconds: number; cpuSeconds: number; inputsPerSecond: number };
  post: { inputs: number; requests: number; seconds: number; inputsPerSecond: number };
  seed: { inputs: number; seconds: number; inputsPerSecond: number };
  stream: { inputs: number; pages: number; seconds: number; inputsPerSecond: number };
}

const APP = { userId: "bench", appId: "catalog" };
/** The stream pass reads its own app, so that it sees exactly the seeded inputs. */
const STREAM_APP = { userId: "bench", appId: "streamed" };
const CONCEPTS = ["shoe", "boot", "sandal", "bag", "hat", "belt"];

/** A catalogue-like input: a URL, 0–3 concepts, small metadata. */
function benchInput(prefix: string, i: number): ApiInput {
  const concepts = CONCEPTS.slice(i % 4, (i % 4) + (i % 3)).map((id, k) => ({
    id,
    value: (i + k) % 5 === 0 ? 0 : 1,
  }));
  return {
    id: `${prefix}-${String(i).padStart(7, "0")}`,
    data: {
      image: { url: `https://img.example.com/${prefix}/${i}.jpg` },
      concepts,
      metadata: {
        sku: String(i),
        split: i % 10 === 0 ? "test" : "train",
        size: { w: 640, h: 480 },
      },
    },
  };
}

async function measurePost(url: string, total: number, concurrency: number, dispatcher: Agent) {
  const batches: ApiInput[][] = [];
  for (let start = 0; start < total; start += 128) {
    batches.push(
      Array.from({ length: Math.min(128, total - start) }, (_, k) => benchInput("post", start + k)),
    );
  }
  let next = 0;
  const began = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const response = await fetch(`${url}/v2/users/${APP.userId}/apps/${APP.appId}/inputs`, {
        method: "POST",
        headers: { authorization: "Key bench", "content-type": "application/json" },
        body: JSON.stringify({ inputs: batch }),
        // @ts-expect-error undici's dispatcher option is not in the DOM RequestInit type
        dispatcher,
      });
      const body = (await response.json()) as MultiInputResponse;
      if (body.status.code !== 10000)
        throw new Error(`PostInputs answered ${JSON.stringify(body.status)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - began) / 1000;
  return { inputs: total, requests: batches.length, seconds, inputsPerSecond: total / seconds };
}

async function measureStream(url: string, expected: number, dispatcher: Agent) {
  const began = performance.now();
  let lastId = "";
  let inputs = 0;
  let pages = 0;
  for (;;) {
    const query = `per_page=1000${lastId ? `&last_id=${encodeURIComponent(lastId)}` : ""}`;
    const response = await fetch(
      `${url}/v2/users/${STREAM_APP.userId}/apps/${STREAM_APP.appId}/inputs/stream?${query}`,
      {
        headers: { authorization: "Key bench" },
        // @ts-expect-error undici's dispatcher option is not in the DOM RequestInit type
        dispatcher,
      },
    );
    const body = (await response.json()) as MultiInputResponse;
    if (body.status.code !== 10000)
      throw new Error(`StreamInputs answered ${JSON.stringify(body.status)}`);
    pages++;
    inputs += body.inputs.length;
    if (body.inputs.length < 1000) break;
    lastId = body.inputs.at(-1)!.id;
  }
  const seconds = (performance.now() - began) / 1000;
  if (inputs !== expected)
    throw new Error(`stream returned ${inputs} inputs, expected ${expected}`);
  return { inputs, pages, seconds, inputsPerSecond: inputs / seconds };
}

/**
 * The indexing worker alone: `inputs` seeded as pending into a fresh emulator (index delay 0),
 * timed until every one of them is indexed. What the worker costs per input at latency 0.
 */
async function measureIndexing(dir: string, inputs: number) {
  const emulator = await startEmulator({ db: join(dir, "index.db"), indexDelayMs: 0 });
  try {
    emulator.seed(
      APP,
      (function* () {
        for (let i = 0; i < inputs; i++) yield benchInput("index", i);
      })(),
      { status: 30001 },
    );
    // Seeding wakes the worker, which starts on the next turn of the event loop. Done when no
    // input is due any more (a cheap look at a partial index, so the polling costs little); the
    // process's CPU time is reported too, as it varies less than wall time on a busy machine.
    const began = performance.now();
    const cpu = process.cpuUsage();
    while (emulator.store.nextDue() !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - began) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    if ((emulator.store.totals().byStatus[30000] ?? 0) !== inputs)
      throw new Error("indexing ended with inputs not indexed");
    return { inputs, seconds, cpuSeconds, inputsPerSecond: inputs / seconds };
  } finally {
    await emulator.close();
  }
}

/** Runs the measurements and returns (and prints, when `print`) the numbers. */
export async function main(
  options: ThroughputOptions = {},
  print = true,
): Promise<ThroughputResult> {
  const postInputs = options.postInputs ?? 25_600;
  const streamInputs = options.streamInputs ?? 100_000;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "emulator-bench-"));
  const dispatcher = new Agent({ connections: 16 });
  const emulator = await startEmulator({ db: join(dir, "bench.db"), indexDelayMs: 200 });
  try {
    const seedStart = performance.now();
    const seeded = emulator.seed(
      STREAM_APP,
      (function* () {
        for (let i = 0; i < streamInputs; i++) yield benchInput("seed", i);
      })(),
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const stream = await measureStream(emulator.url, seeded, dispatcher);
    const post = await measurePost(emulator.url, postInputs, options.concurrency ?? 4, dispatcher);
    const index = await measureIndexing(dir, streamInputs);
    const result: ThroughputResult = {
      index,
      post,
      seed: { inputs: seeded, seconds: seedSeconds, inputsPerSecond: seeded / seedSeconds },
      stream,
    };
    if (print) {
      const n = (x: number) => Math.round(x).toLocaleString("en-US");
      const s = (x: number) => x.toFixed(2);
      console.log(
        `PostInputs (128/request): ${n(post.inputs)} inputs in ${post.requests} requests, ${s(post.seconds)} s → ${n(post.inputsPerSecond)} inputs/s`,
      );
      console.log(
        `Bulk seed (no HTTP):      ${n(seeded)} inputs in ${s(seedSeconds)} s → ${n(result.seed.inputsPerSecond)} inputs/s`,
      );
      console.log(
        `Indexing (seeded pending, delay 0): ${n(index.inputs)} inputs in ${s(index.seconds)} s (${s(index.cpuSeconds)} s CPU) → ${n(index.inputsPerSecond)} inputs/s`,
      );
      console.log(
        `StreamInputs full pass:   ${n(stream.inputs)} inputs in ${stream.pages} pages, ${s(stream.seconds)} s → ${n(stream.inputsPerSecond)} inputs/s`,
      );
    }
    return result;
  } finally {
    await emulator.close();
    await dispatcher.close();
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [posted, streamed] = process.argv.slice(2).map(Number);
  await main({
    ...(posted ? { postInputs: posted } : {}),
    ...(streamed ? { streamInputs: streamed } : {}),
  });
}
