/**
 * CSV parsers on the CSV of the source benchmarks: csv-parse (streamed, a record at a time, as
 * the floor of bench/sources.ts reads it) against the tool's reader (src/manifest/sources/
 * csv-records.ts: papaparse, a chunk at a time, with each record's line). Why the tool reads CSV
 * with papaparse.
 *
 *   npx tsc -p tsconfig.bench.json && node dist/bench/csv-parsers.js [--n 300000] [--reps 3]
 *
 * Prints one JSON line per parser and run: records, cells, wall and CPU milliseconds.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse";
import { CsvRunawayRecord, csvChunks } from "../src/manifest/sources/csv-records.js";
import { BENCH_SEED } from "./fixtures.js";
import { generateInputs } from "./gen-manifest.js";
import { writeCsv } from "./source-files.js";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(argv[at + 1]);
};
const n = option("n", 300_000);
const reps = option("reps", 3);

const parsers: Record<string, (file: string) => Promise<{ records: number; cells: number }>> = {
  async "csv-parse"(file) {
    let records = 0;
    let cells = 0;
    for await (const record of createReadStream(file).pipe(parse({ bom: true }))) {
      records++;
      cells += (record as string[]).length;
    }
    return { records, cells };
  },
  async "papaparse (csv-records)"(file) {
    let records = 0;
    let cells = 0;
    for await (const chunk of csvChunks(file)) {
      if (chunk instanceof CsvRunawayRecord) throw new Error(`runaway record at ${chunk.line}`);
      for (const record of chunk.records) {
        records++;
        cells += record.length;
      }
    }
    return { records, cells };
  },
};

const dir = await mkdtemp(join(tmpdir(), "dataset-bench-csv-"));
try {
  const file = join(dir, "inputs.csv");
  await writeCsv(file, generateInputs(n, BENCH_SEED));
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, read] of Object.entries(parsers)) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const counted = await read(file);
      const used = process.cpuUsage(cpu);
      const wallMs = Math.round(performance.now() - started);
      const cpuMs = Math.round((used.user + used.system) / 1000);
      process.stdout.write(`${JSON.stringify({ parser: name, ...counted, wallMs, cpuMs })}\n`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
