/**
 * Benchmark: `dataset export --format jsonl` of a large app, with the export's own peak RSS.
 *
 *   npm run build && node dist/bench/export-jsonl.js [inputs=1000000]
 *
 * Seeds an emulator store with N generated inputs (indexed, in sync with a manifest), serves it
 * from an emulator child process, and runs the built CLI's export as another measured child, so
 * that the figures cover the export alone. Target (issue 15): peak RSS < 300 MB at 1,000,000.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulatorProcess } from "./emulator-host.js";
import { BENCH_MANIFEST_NAME, BENCH_SEED, BENCH_USER, seedInSync } from "./fixtures.js";
import { generateInputs } from "./gen-manifest.js";
import { runChild } from "./measure.js";

const BIN = fileURLToPath(new URL("../src/cli/bin.js", import.meta.url));
const APP = "export-bench";
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const scratch = await mkdtemp(join(tmpdir(), "dataset-bench-export-"));
  try {
    const db = join(scratch, "store.db");
    let t = performance.now();
    seedInSync(db, APP, generateInputs(n, BENCH_SEED));
    console.error(`seeded ${n} inputs in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const emulator = await startEmulatorProcess({ db, port: 0 });
    try {
      t = performance.now();
      const run = await runChild({
        args: [
          BIN,
          "export",
          "--format",
          "jsonl",
          "--name",
          BENCH_MANIFEST_NAME,
          "--out",
          join(scratch, "out/dataset.yaml"),
        ],
        env: {
          CLARIFAI_API_BASE: emulator.url,
          CLARIFAI_PAT: "bench-token",
          CLARIFAI_USER_ID: BENCH_USER,
          CLARIFAI_APP_ID: APP,
        },
        scratch,
      });
      if (run.exitCode !== 0) throw new Error(`export failed (${run.exitCode}): ${run.stderr}`);
      const jsonl = join(scratch, "out/dataset.jsonl");
      const lines = (await readFile(jsonl, "utf8")).split("\n").length - 1;
      const result = {
        inputs: n,
        exported: lines,
        wall_s: Number((run.wallMs / 1000).toFixed(2)),
        cpu_s: Number((run.cpuMs / 1000).toFixed(2)),
        peak_rss_mb: Math.round(run.maxRssBytes / MB),
        jsonl_mb: Math.round((await stat(jsonl)).size / MB),
        target_peak_rss_mb: 300,
      };
      console.log(JSON.stringify(result, null, 2));
      if (lines !== n) throw new Error(`exported ${lines} lines, expected ${n}`);
    } finally {
      await emulator.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
