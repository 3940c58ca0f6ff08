/**
 * `dataset apply` at the API's request-rate limit (issue 11 part 3): against `dataset emulator
 * --rate-limit 15 --latency-ms 30 --index-delay-ms 500`, at the CLI's defaults (`--max-rps 15` for
 * a real target, `--concurrency 4`):
 *
 * - create-10k: 10,000 new inputs; every one indexed and verified;
 * - replace-500, replace-10k: that many inputs replaced (a new URL each: delete, confirm, post).
 *
 * Throughput is inputs / (apply wall − plan wall): apply plans first, so the plan's own time is
 * measured with `dataset plan` on the same app and taken off. The limit for create-10k is the 79
 * posts at 15/s plus one indexing delay: 10,000 / (79/15 + 0.5) s ≈ 1,730 inputs/s. Each case
 * also gets its own bound, (requests after the plan's stream) / 15 + 0.5 s, and the span the
 * emulator saw from the apply's first request after its stream to its last reply: for a small
 * case (replace-500) that span is readable where apply − plan is lost in the two processes' noise.
 *
 *     npm run build && npx tsc -p tsconfig.bench.json && \
 *       node dist/bench/rate-limited-apply.js [create-10k] [replace-500] [replace-10k] \
 *         [--reps N] [--timeline [--verbose]]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorStats, RequestLogEntry } from "../src/emulator/stats.js";
import { startEmulatorProcess } from "./emulator-host.js";
import { BENCH_SEED, benchTargetArgs, writeShardedManifest } from "./fixtures.js";
import { type GeneratedInput, generateInputs } from "./gen-manifest.js";
import { runChild } from "./measure.js";

const CLI = join(import.meta.dirname, "..", "src", "cli", "bin.js");
const TIMELINE = process.argv.includes("--timeline");
const EMULATOR = { rateLimit: 15, latencyMs: 30, indexDelayMs: 500 };

interface Row {
  id: string;
  n: number;
  planMs: number;
  applyMs: number;
  /** n / (apply wall − plan wall). */
  inputsPerSecond: number;
  /** Of the limit (create-10k only): 10,000 / (posts / 15 + 0.5 s). */
  ofLimit: number | undefined;
  /** The emulator's view: first request after the apply's stream → last reply, in ms. */
  spanMs: number;
  /** The case's own bound: requests after the stream at 15/s, plus one indexing delay, in ms. */
  boundMs: number;
  requests: Record<string, number>;
  polls: number;
  throttled: number;
  indexed: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const repsAt = args.indexOf("--reps");
  const reps = repsAt >= 0 ? Math.max(1, Number(args[repsAt + 1]) || 1) : 1;
  const wanted = args.filter((a, i) => !a.startsWith("--") && (repsAt < 0 || i !== repsAt + 1));
  const cases = [
    { id: "create-10k", n: 10_000, replace: false },
    { id: "replace-500", n: 500, replace: true },
    { id: "replace-10k", n: 10_000, replace: true },
  ].filter((c) => wanted.length === 0 || wanted.includes(c.id));
  const rows: Row[] = [];
  for (const c of cases) {
    const runs: Row[] = [];
    for (let r = 0; r < reps; r++) runs.push(await measure(c.id, c.n, c.replace));
    rows.push(...runs);
    if (reps > 1) {
      const med = (f: (row: Row) => number) => median(runs.map(f));
      console.error(
        `${c.id} median of ${reps}: ${med((r) => r.inputsPerSecond)} inputs/s (apply ` +
          `${med((r) => r.applyMs)} ms − plan ${med((r) => r.planMs)} ms); span ` +
          `${med((r) => r.spanMs)} ms vs bound ${med((r) => r.boundMs)} ms; throttled ` +
          `${runs.map((r) => r.throttled).join("/")}`,
      );
    }
  }
  console.log(JSON.stringify(rows, null, 2));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value);
}

async function measure(id: string, n: number, replace: boolean): Promise<Row> {
  const scratch = await mkdtemp(join(tmpdir(), `bench-${id}-`));
  const emulator = await startEmulatorProcess({ db: ":memory:", ...EMULATOR });
  const target = benchTargetArgs(emulator.url, id);
  const cli = (args: string[]) =>
    runChild({ scratch, cwd: scratch, args: [CLI, ...args, ...target] });
  try {
    const inputs = generateInputs(n, BENCH_SEED);
    let manifest = await writeShardedManifest(join(scratch, "m"), inputs);
    if (replace) {
      // Seed the app (not measured), then give every input a new URL: n replaces.
      const seeded = await cli(["apply", manifest.root, "--yes"]);
      if (seeded.exitCode !== 0) throw new Error(`${id}: seeding failed: ${seeded.stderr}`);
      const moved = inputs.map((i): GeneratedInput => ({ ...i, url: `${i.url}?v=2` }));
      manifest = await writeShardedManifest(join(scratch, "m2"), moved);
    }
    const plan = await cli(["plan", manifest.root]);
    if (plan.exitCode !== 0) throw new Error(`${id}: plan failed: ${plan.stderr}`);
    const before = await emulator.stats();
    const startedAt = Date.now();
    const apply = await cli(["apply", manifest.root, "--yes", "--allow-mass-delete"]);
    const after = await emulator.stats();
    const expected = replace
      ? `0 created, 0 updated, ${n} replaced, 0 deleted; ${n} indexed, 0 failed.`
      : `${n} created, 0 updated, 0 replaced, 0 deleted; ${n} indexed, 0 failed.`;
    if (apply.exitCode !== 0 || !apply.stdout.includes(`Apply complete: ${expected}`)) {
      throw new Error(
        `${id}: apply did not complete: ${(apply.stdout + apply.stderr).slice(-600)}`,
      );
    }
    const log = await requestLog(emulator.url, startedAt, startedAt + apply.wallMs);
    const afterStream = log.filter((e) => e.endpoint !== "StreamInputs");
    const spanMs = (afterStream.at(-1)?.at ?? 0) - (afterStream[0]?.at ?? 0);
    const boundMs = (afterStream.length / EMULATOR.rateLimit) * 1000 + EMULATOR.indexDelayMs;
    if (TIMELINE) printTimeline(id, log, startedAt, startedAt + apply.wallMs);
    const requests = requestsBetween(before, after);
    const polls =
      (requests.ListInputs ?? 0) + (requests.GetInput ?? 0) + (requests.GetInputCount ?? 0);
    const seconds = (apply.wallMs - plan.wallMs) / 1000;
    const posts = requests.PostInputs ?? 0;
    const limit = n / (posts / EMULATOR.rateLimit + EMULATOR.indexDelayMs / 1000);
    const row: Row = {
      id,
      n,
      planMs: Math.round(plan.wallMs),
      applyMs: Math.round(apply.wallMs),
      inputsPerSecond: Math.round(n / seconds),
      ofLimit: replace ? undefined : Math.round((n / seconds / limit) * 100) / 100,
      spanMs,
      boundMs: Math.round(boundMs),
      requests,
      polls,
      throttled: after.throttled - before.throttled,
      indexed: after.inputs.byStatus["30000"] ?? 0,
    };
    console.error(
      `${id}: ${row.inputsPerSecond} inputs/s (apply ${row.applyMs} ms − plan ${row.planMs} ms)` +
        `${row.ofLimit === undefined ? "" : `, ${Math.round(row.ofLimit * 100)}% of the limit`}` +
        `; span ${spanMs} ms vs bound ${row.boundMs} ms; ${posts} posts, ${polls} polls, ` +
        `${row.throttled} throttled, ${row.indexed} indexed`,
    );
    return row;
  } finally {
    await emulator.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The apply's requests as the emulator logged them (at reply time; it keeps the last 1,000). */
async function requestLog(url: string, from: number, to: number): Promise<RequestLogEntry[]> {
  const log = (await (await fetch(`${url}/_emulator/requests`)).json()) as RequestLogEntry[];
  return log.filter((e) => e.at >= from && e.at <= to);
}

/**
 * With `--timeline`: the apply's requests relative to the apply process's start, with the phases'
 * boundaries — to see whether writes are spaced at 1/rate, where the limiter leaves slack and what
 * the wait adds. `--verbose` lists every request.
 */
function printTimeline(id: string, mine: RequestLogEntry[], from: number, to: number): void {
  const writes = mine.filter((e) => e.endpoint === "PostInputs" || e.endpoint === "DeleteInputs");
  const first = mine[0]?.at ?? from;
  const firstWrite = writes[0]?.at ?? from;
  const lastWrite = writes.at(-1)?.at ?? from;
  const last = mine.at(-1)?.at ?? from;
  console.error(
    `${id} timeline: start → first request ${first - from} ms; first request → first write ` +
      `${firstWrite - first} ms; writes ${lastWrite - firstWrite} ms for ${writes.length} ` +
      `(${((lastWrite - firstWrite) / Math.max(1, writes.length - 1)).toFixed(1)} ms apart); ` +
      `last write → last request ${last - lastWrite} ms; last request → exit ${Math.round(to - last)} ms`,
  );
  if (!process.argv.includes("--verbose")) return;
  let previous = from;
  for (const e of mine) {
    const batch = e.batch === undefined ? "" : ` ×${e.batch}`;
    console.error(
      `${String(e.at - from).padStart(6)} ms  +${String(e.at - previous).padStart(5)}  ${e.endpoint} ${e.httpStatus}/${e.code}${batch}`,
    );
    previous = e.at;
  }
}

function requestsBetween(before: EmulatorStats, after: EmulatorStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, stats] of Object.entries(after.endpoints)) {
    const was = before.endpoints[name as keyof typeof before.endpoints]?.requests ?? 0;
    if (stats.requests > was) out[name] = stats.requests - was;
  }
  return out;
}

await main();
