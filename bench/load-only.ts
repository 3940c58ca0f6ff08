/**
 * The manifest load alone, run as its own process: `loadManifest` of a root manifest (writing a
 * sharded one of `n` generated inputs first when `root` does not exist). Run under
 * `--expose-gc` to also get the heap the loaded manifest keeps. Prints one JSON line:
 * `{inputs, loadMs, cpuMs, gcMs, rssPeakMb, heapAfterLoadMb}` (CPU time of the process, and the
 * time spent in GC pauses, while loading: on a shared machine they vary less than wall time).
 *
 *   node --expose-gc dist/bench/load-only.js '{"root":"/tmp/m100k/dataset.yaml","n":100000}'
 *   node dist/bench/load-only.js '{"root":"/tmp/m100k/dataset.yaml","baseline":true}'
 *
 * With `baseline`, it times js-yaml's `load` of the same files instead (as baseline-plan.ts).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { load } from "js-yaml";
import { loadManifest } from "../src/manifest/load.js";
import { BENCH_SEED, writeShardedManifest } from "./fixtures.js";
import { generateInputs } from "./gen-manifest.js";

interface Args {
  root: string;
  /** Inputs to generate when `root` does not exist. */
  n?: number;
  baseline?: boolean;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const mb = (bytes: number) => Math.round(bytes / 1e6);

if (!existsSync(args.root)) {
  if (args.n === undefined) throw new Error(`${args.root} does not exist; pass n to write it`);
  await writeShardedManifest(dirname(args.root), generateInputs(args.n, BENCH_SEED));
  process.stdout.write(`wrote ${args.root}\n`);
  process.exit(0);
}

const gc = (globalThis as { gc?: () => void }).gc;
let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gcObserver.observe({ entryTypes: ["gc"] });
const cpuStart = process.cpuUsage();
const start = performance.now();
let inputs = 0;
const kept: unknown[] = [];
if (args.baseline) {
  const { readdir } = await import("node:fs/promises");
  const partsDir = join(dirname(args.root), "parts");
  const files = [args.root, ...(await readdir(partsDir)).sort().map((f) => join(partsDir, f))];
  for (const file of files) {
    const doc = load(await readFile(file, "utf8")) as { inputs?: unknown[] } | null;
    if (Array.isArray(doc?.inputs)) {
      inputs += doc.inputs.length;
      kept.push(doc.inputs);
    }
  }
} else {
  const loaded = await loadManifest(args.root, { cacheDir: false });
  if (!loaded.ok) throw new Error(`problems: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  inputs = loaded.manifest.inputs.size;
  kept.push(loaded.manifest);
}
const loadMs = Math.round(performance.now() - start);
const cpu = process.cpuUsage(cpuStart);
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
// GC entries are delivered asynchronously: let them arrive before the forced collection below.
await new Promise((resolve) => setTimeout(resolve, 10));
gcObserver.disconnect();
const rssPeakMb = Math.round(process.resourceUsage().maxRSS / 1000);
let heapAfterLoadMb: number | null = null;
if (gc !== undefined) {
  gc();
  heapAfterLoadMb = mb(process.memoryUsage().heapUsed);
}
process.stdout.write(
  `${JSON.stringify({ inputs, loadMs, cpuMs, gcMs: Math.round(gcMs), rssPeakMb, heapAfterLoadMb, kept: kept.length })}\n`,
);
