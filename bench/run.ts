/**
 * `npm run bench`: the benchmark suite of issue 7. Plans and applies from 10,000 to 1,000,000
 * inputs, each beside its raw-API baseline in the same run, then prints a markdown report and
 * (full runs only) writes it to docs/benchmarks.md.
 *
 *   npm run bench                      full suite (< 20 min on 2 cores), writes docs/benchmarks.md
 *   npm run bench -- --quick           small suite (< 2 min), prints only
 *   npm run bench -- --only 'plan-sync|c16$'  only scenarios whose id matches the regex (prints only)
 *   npm run bench -- --profile         tool processes under --cpu-prof; top functions on stderr
 *   npm run bench -- --keep            keep the temporary directory
 *   node dist/bench/run.js --render bench/last-run.json
 *                                      re-render docs/benchmarks.md from saved results (after
 *                                      editing bench/analysis.md, or after a full run of
 *                                      bench/sources.ts wrote bench/sources.md), without measuring
 *                                      again
 *
 * Scenario ids: startup, plan-{sync,changed,empty,stages}-{10k,100k,1m}, validate-100k,
 * apply-{10k,100k}-{0,50}ms-c{1,4,16}, wait-{10k,100k} (quick: 10k, apply and wait 5k–10k).
 */
import { existsSync, rmSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FULL, QUICK } from "./config.js";
import type { RunContext } from "./context.js";
import { describeMachine } from "./machine.js";
import { type ReportNotes, renderReport } from "./report.js";
import type { BenchResults } from "./results.js";
import { runApplySuite, runWaitSuite } from "./suite-apply.js";
import { runPlanSuite, runValidateSuite } from "./suite-plan.js";
import { runStartupSuite } from "./suite-startup.js";

interface Flags {
  quick: boolean;
  profile: boolean;
  keep: boolean;
  only: RegExp | undefined;
  render: string | undefined;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {
    quick: false,
    profile: false,
    keep: false,
    only: undefined,
    render: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") flags.quick = true;
    else if (arg === "--profile") flags.profile = true;
    else if (arg === "--keep") flags.keep = true;
    else if (arg === "--only") flags.only = new RegExp(argv[++i] ?? "");
    else if (arg === "--render") flags.render = argv[++i];
    else throw new Error(`unknown argument ${arg}; see the top of bench/run.ts`);
  }
  return flags;
}

/**
 * Copies the build into the run's directory and runs every child from there: other people may
 * rebuild `dist/` (`npm test` does) while a long run is going.
 */
async function snapshotBuild(repo: string, scratch: string): Promise<string> {
  const build = join(scratch, "build");
  await mkdir(build, { recursive: true });
  await cp(join(repo, "dist"), join(build, "dist"), { recursive: true });
  await cp(join(repo, "schema"), join(build, "schema"), { recursive: true });
  await cp(join(repo, "package.json"), join(build, "package.json"));
  await symlink(join(repo, "node_modules"), join(build, "node_modules"), "dir");
  return build;
}

/** bench/`name` if it exists: hand-maintained sections of the report. */
async function readNotes(repo: string, name: string): Promise<string | undefined> {
  const path = join(repo, "bench", name);
  return existsSync(path) ? readFile(path, "utf8") : undefined;
}

/**
 * The sections kept beside the results: the hand-written analysis of the latest full run, the
 * rate-limited apply section (bench/rate-limited-apply.ts is run by hand, not by the suite) and
 * the source benchmarks' section (bench/sources.md, written by a full run of bench/sources.ts).
 */
async function readReportNotes(repo: string): Promise<ReportNotes> {
  return {
    analysis: await readNotes(repo, "analysis.md"),
    rateLimited: await readNotes(repo, "rate-limited-apply.md"),
    sources: await readNotes(repo, "sources.md"),
  };
}

/** Writes the report of a full run, and its results as JSON for `--render`. */
async function saveFullRun(repo: string, results: BenchResults, report: string): Promise<void> {
  await writeFile(join(repo, "docs", "benchmarks.md"), report);
  await writeFile(join(repo, "bench", "last-run.json"), `${JSON.stringify(results, null, 2)}\n`);
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const distBench = fileURLToPath(new URL(".", import.meta.url));
  const repo = join(distBench, "..", "..");
  if (flags.render !== undefined) {
    const results = JSON.parse(await readFile(flags.render, "utf8")) as BenchResults;
    const report = renderReport(results, await readReportNotes(repo));
    process.stdout.write(report);
    if (results.mode === "full") await saveFullRun(repo, results, report);
    return 0;
  }
  const scratch = await mkdtemp(join(tmpdir(), "dataset-bench-"));
  const log = (line: string) => process.stderr.write(`[bench ${elapsed()}] ${line}\n`);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
  const build = await snapshotBuild(repo, scratch);
  const ctx: RunContext = {
    config: flags.quick ? QUICK : FULL,
    scratch,
    repo,
    build,
    cli: join(build, "dist", "src", "cli", "bin.js"),
    script: (name) => join(build, "dist", "bench", `${name}.js`),
    only: flags.only,
    profile: flags.profile,
    // Waiting for other people's test runs to finish, at most this long over the whole run.
    quiet: { remainingMs: flags.quick ? 20_000 : 120_000 },
    retries: { remaining: flags.quick ? 3 : 12 },
    log,
  };
  const cleanUp = async () => {
    if (!flags.keep) await rm(scratch, { recursive: true, force: true });
  };
  // Ctrl-C: remove the temporary files, then die of the signal as usual (the children get it too).
  process.once("SIGINT", () => {
    if (!flags.keep) rmSync(scratch, { recursive: true, force: true });
    process.kill(process.pid, "SIGINT");
  });

  log(`${ctx.config.mode} run; temporary files in ${scratch}`);
  const machine = describeMachine(repo);
  try {
    const validate = await runValidateSuite(ctx);
    const startup = await runStartupSuite(ctx);
    const { plan, stages } = await runPlanSuite(ctx);
    const apply = await runApplySuite(ctx);
    const wait = await runWaitSuite(ctx);
    const results: BenchResults = {
      mode: ctx.config.mode,
      machine,
      durationMs: performance.now() - started,
      plan,
      stages,
      apply,
      wait,
      validate,
      startup,
    };
    const full = ctx.config.mode === "full" && flags.only === undefined;
    const report = full
      ? renderReport(results, await readReportNotes(repo))
      : renderReport(results);
    process.stdout.write(report);
    if (full) {
      await saveFullRun(repo, results, report);
      log("wrote docs/benchmarks.md and bench/last-run.json");
    } else {
      await writeFile(join(scratch, "results.json"), JSON.stringify(results, null, 2));
      if (flags.keep) log(`results: ${join(scratch, "results.json")}`);
    }
    const problems = [plan, apply, wait, validate, startup].flat().flatMap((row) => row.problems);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
