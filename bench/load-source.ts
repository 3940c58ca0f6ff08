/**
 * The load of one large JSONL or CSV source alone (issue 14): no app, no plan.
 *
 *   npx tsc -p tsconfig.bench.json
 *   node --expose-gc dist/bench/load-source.js --kind jsonl|csv [--n 200000] [--reps R] [--keep DIR (reused)] [--whole | --drop]
 *   (`--reps 0 --keep DIR`: only write the files, so that a later run's peak RSS is the load's)
 *   node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/load-source.js --kind csv
 *
 * Generates N inputs of bench/gen-manifest.ts (catalog shape) into a scratch directory as
 * bench/sources.ts does, then loads it R times as `plan` does (src/cli/load-worker.ts: a
 * ChunkingSink of 8192 whose chunks are cloned, as posting them to the main thread clones them,
 * into one DesiredIndex; `--whole`: loadManifest straight into a DesiredIndex) and prints one JSON
 * line per run: wall and CPU milliseconds of the load, the peak RSS of the process so far, and the
 * heap used after a full GC with the loaded inputs still held. `--drop`: the chunks are cloned and
 * dropped, as the worker thread of a plan sees it (its peak RSS without the main thread's index). Exits 1 unless every load is ok
 * with N inputs.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyFile, KeyFile } from "../src/cli/key-file.js";
import { ChunkingSink, DesiredIndex } from "../src/manifest/desired-index.js";
import { loadManifest, loadManifestInto } from "../src/manifest/load.js";
import { BENCH_MANIFEST_NAME, BENCH_SEED } from "./fixtures.js";
import { generateInputs } from "./gen-manifest.js";
import { writeCsv, writeJsonl } from "./source-files.js";

const argv = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? undefined : argv[at + 1];
};
const kind = value("kind");
const n = Number(value("n") ?? 200_000);
const reps = Number(value("reps") ?? 1);
const keep = value("keep");
const whole = argv.includes("--whole");
const drop = argv.includes("--drop");
if ((kind !== "jsonl" && kind !== "csv") || !(n > 0) || !(reps >= 0)) {
  process.stderr.write("usage: load-source.js --kind jsonl|csv [--n N] [--reps R] [--keep DIR]\n");
  process.exit(1);
}
const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1e6;

const dir = keep ?? (await mkdtemp(join(tmpdir(), "dataset-bench-load-")));
let failed = false;
try {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `inputs.${kind}`);
  const manifest = join(dir, "dataset.yaml");
  // A kept directory is reused as it is (the same --kind and --n).
  if (keep === undefined || !existsSync(manifest)) {
    const inputs = generateInputs(n, BENCH_SEED);
    const source = kind === "jsonl" ? await writeJsonl(file, inputs) : await writeCsv(file, inputs);
    await writeFile(manifest, `version: 1\nname: ${BENCH_MANIFEST_NAME}\nsources:\n${source}`);
  }
  gc?.();
  for (let rep = 0; rep < reps; rep++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { ok, inputs } = whole ? await loadWhole(manifest) : await loadInChunks(manifest);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    gc?.();
    const heapMb = process.memoryUsage().heapUsed / MB;
    if (!ok || inputs.size !== n) failed = true;
    process.stdout.write(
      `${JSON.stringify({
        kind,
        n,
        ok,
        inputs: inputs.size,
        wallMs: Math.round(wallMs),
        cpuMs: Math.round((used.user + used.system) / 1000),
        peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / MB),
        heapAfterGcMb: gc === undefined ? null : Math.round(heapMb),
      })}\n`,
    );
  }
} finally {
  if (keep === undefined) await rm(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

async function loadWhole(path: string): Promise<{ ok: boolean; inputs: { size: number } }> {
  const result = await loadManifest(path, { cacheDir: false });
  return { ok: result.ok, inputs: result.ok ? result.manifest.inputs : { size: 0 } };
}

async function loadInChunks(path: string): Promise<{ ok: boolean; inputs: { size: number } }> {
  const keyFile = createKeyFile();
  const inputs = new DesiredIndex(new KeyFile(keyFile.fd));
  let dropped = 0;
  const sink = new ChunkingSink(
    8192,
    (chunk) => {
      const copy = structuredClone(chunk);
      if (drop) dropped += copy.ids.length;
      else inputs.append(copy);
    },
    new KeyFile(keyFile.fd),
  );
  const result = await loadManifestInto(path, sink, { cacheDir: false });
  sink.flush();
  keyFile.close();
  return { ok: result.ok, inputs: drop ? { size: dropped } : inputs };
}
