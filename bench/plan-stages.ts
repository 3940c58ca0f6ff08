/**
 * Where a plan's time goes, run as its own process: the stages of `planLiveApp` timed one by
 * one (load the manifest, index it, stream the app into the differ, assemble, render), plus the
 * YAML parse alone. Prints one JSON line of milliseconds and RSS readings.
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createClient } from "../src/api/client.js";
import { loadManifest } from "../src/manifest/load.js";
import { parseYaml } from "../src/manifest/parse-yaml.js";
import { buildPlan, createDiffer, renderPlanText } from "../src/plan/index.js";

interface Args {
  root: string;
  files: string[];
  url: string;
  userId: string;
  appId: string;
}

/** Stage timings of one plan. */
export interface PlanStages {
  loadMs: number;
  rssAfterLoadMb: number;
  indexMs: number;
  streamMs: number;
  observeMs: number;
  pages: number;
  assembleMs: number;
  renderMs: number;
  /** The YAML parse alone (js-yaml events + position index) of every file; null when skipped. */
  parseOnlyMs: number | null;
  /** Heap after a full GC (run under --expose-gc): what the loaded manifest keeps alive. */
  heapAfterLoadMb: number | null;
  /** Heap after a full GC once the diff is done: the manifest plus the differ's state. */
  heapAfterDiffMb: number | null;
  totalMs: number;
  rssPeakMb: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const mb = (bytes: number) => Math.round(bytes / 1e6);
const gc = (globalThis as { gc?: () => void }).gc;
/** Heap in use after a full collection (outside the timed stages); null without --expose-gc. */
function liveHeapMb(): number | null {
  if (gc === undefined) return null;
  gc();
  return mb(process.memoryUsage().heapUsed);
}
const clock = () => performance.now();

const start = clock();
const loaded = await loadManifest(args.root);
if (!loaded.ok)
  throw new Error(`manifest problems: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
const manifest = loaded.manifest;
const loadMs = clock() - start;
const rssAfterLoadMb = mb(process.memoryUsage().rss);
const gcStart = clock();
const heapAfterLoadMb = liveHeapMb();
let gcMs = clock() - gcStart;

let t = clock();
const differ = createDiffer({
  manifestName: manifest.name,
  desired: manifest.inputs,
  prune: false,
  manifestDir: dirname(args.root),
});
const indexMs = clock() - t;

const api = createClient({
  apiBase: args.url,
  pat: "bench",
  userId: args.userId,
  appId: args.appId,
});
t = clock();
let observeMs = 0;
let pages = 0;
for await (const page of api.streamInputs()) {
  pages++;
  const o = clock();
  for (const input of page) differ.observe(input);
  observeMs += clock() - o;
}
const streamMs = clock() - t;
await api.close();
const gcAgain = clock();
const heapAfterDiffMb = liveHeapMb();
gcMs += clock() - gcAgain;

t = clock();
const { changes, summary, live } = differ.finish();
const plan = buildPlan({
  manifest: { path: manifest.path, name: manifest.name, sha256: manifest.sha256 },
  target: { api_base: args.url, user_id: args.userId, app_id: args.appId },
  prune: false,
  changes,
  summary,
  live,
});
const assembleMs = clock() - t;
t = clock();
const text = renderPlanText(plan, { color: false, maxRps: undefined });
const renderMs = clock() - t;
const totalMs = clock() - start - gcMs;

// The YAML parse alone, for comparison with the whole load.
t = clock();
const parseFiles = args.files.length > 0;
for (const file of args.files) {
  const parsed = parseYaml(await readFile(file, "utf8"), {
    maxAliasCount: 10_000,
    maxAliasExpansion: 1_000_000,
  });
  if (!parsed.ok) throw new Error(parsed.message);
}
const parseOnlyMs = parseFiles ? clock() - t : null;

const stages: PlanStages = {
  loadMs,
  rssAfterLoadMb,
  indexMs,
  streamMs,
  observeMs,
  pages,
  assembleMs,
  renderMs,
  parseOnlyMs,
  heapAfterLoadMb,
  heapAfterDiffMb,
  totalMs,
  rssPeakMb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
};
process.stdout.write(`${JSON.stringify({ ...stages, textBytes: text.length })}\n`);
