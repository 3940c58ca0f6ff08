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
 * posts at 15/s plus one indexing delay: 10,000 / (79/15 + 0.5) s ≈ 1,730 inputs/s.
 *
 *     npm run build && node dist/bench/rate-limited-apply.js [create-10k] [replace-500] [replace-10k]
 *         [--timeline [--verbose]]
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
  inputsPerSecond: number;
  /** Of the limit (create-10k only): 10,000 / (posts / 15 + 0.5 s). */
  ofLimit: number | undefined;
  requests: Record<string, number>;
  polls: number;
  throttled: number;
  indexed: number;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const cases = [
    { id: "create-10k", n: 10_000, replace: false },
    { id: "replace-500", n: 500, replace: true },
    { id: "replace-10k", n: 10_000, replace: true },
  ].filter((c) => wanted.length === 0 || wanted.includes(c.id));
  const rows: Row[] = [];
  for (const c of cases) rows.push(await measure(c.id, c.n, c.replace));
  console.log(JSON.stringify(rows, null, 2));
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
    if (TIMELINE) await printTimeline(id, emulator.url, startedAt, startedAt + apply.wallMs);
    const expected = replace
      ? `0 created, 0 updated, ${n} replaced, 0 deleted; ${n} indexed, 0 failed.`
      : `${n} created, 0 updated, 0 replaced, 0 deleted; ${n} indexed, 0 failed.`;
    if (apply.exitCode !== 0 || !apply.stdout.includes(`Apply complete: ${expected}`)) {
      throw new Error(
        `${id}: apply did not complete: ${(apply.stdout + apply.stderr).slice(-600)}`,
      );
    }
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
      requests,
      polls,
      throttled: after.throttled - before.throttled,
      indexed: after.inputs.byStatus["30000"] ?? 0,
    };
    console.error(
      `${id}: ${row.inputsPerSecond} inputs/s (apply ${row.applyMs} ms − plan ${row.planMs} ms)` +
        `${row.ofLimit === undefined ? "" : `, ${Math.round(row.ofLimit * 100)}% of the limit`}` +
        `; ${posts} posts, ${polls} polls, ${row.throttled} throttled, ${row.indexed} indexed`,
    );
    return row;
  } finally {
    await emulator.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * With `--timeline`: the apply's requests as the emulator logged them (at reply time, after its
 * added latency), relative to the apply process's start, with the phases' boundaries — to see
 * whether posts are spaced at 1/rate, where the limiter leaves slack and what the wait adds.
 */
async function printTimeline(id: string, url: string, from: number, to: number): Promise<void> {
  const log = (await (await fetch(`${url}/_emulator/requests`)).json()) as RequestLogEntry[];
  const mine = log.filter((e) => e.at >= from && e.at <= to);
  let previous = from;
  const lines = mine.map((e) => {
    const line = `${String(e.at - from).padStart(6)} ms  +${String(e.at - previous).padStart(5)}  ${e.endpoint} ${e.httpStatus}/${e.code}${e.batch === undefined ? "" : ` ×${e.batch}`}`;
    previous = e.at;
    return line;
  });
  const posts = mine.filter((e) => e.endpoint === "PostInputs" || e.endpoint === "DeleteInputs");
  const first = mine[0]?.at ?? from;
  const firstPost = posts[0]?.at ?? from;
  const lastPost = posts.at(-1)?.at ?? from;
  const last = mine.at(-1)?.at ?? from;
  console.error(
    `${id} timeline: start → first request ${first - from} ms; first request → first write ` +
      `${firstPost - first} ms; writes ${lastPost - firstPost} ms for ${posts.length} ` +
      `(${((lastPost - firstPost) / Math.max(1, posts.length - 1)).toFixed(1)} ms apart); ` +
      `last write → last request ${last - lastPost} ms; last request → exit ${to - last} ms`,
  );
  if (process.argv.includes("--verbose")) console.error(lines.join("\n"));
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
