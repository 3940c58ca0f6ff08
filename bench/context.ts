/** What every suite of a run shares: sizes, paths, logging, and the optional profiler. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { SuiteConfig } from "./config.js";
import {
  type LoadWindow,
  type QuietBudget,
  startLoadWindow,
  waitForQuiet,
} from "./machine-load.js";
import { type ChildRun, type ChildSpec, runChild } from "./measure.js";
import { formatHotspots, readProfile, summariseProfile } from "./profile-summary.js";

export interface RunContext {
  config: SuiteConfig;
  /** Temporary directory of this run (under /tmp), removed at the end. */
  scratch: string;
  /** The repository root. */
  repo: string;
  /** The snapshot of the build every child runs from (holds `dist/`, `schema/`). */
  build: string;
  /** The built CLI entry, `dist/src/cli/bin.js`. */
  cli: string;
  /** A built benchmark script, e.g. `script("baseline-plan")` → `dist/bench/baseline-plan.js`. */
  script(name: string): string;
  /** Scenario ids to run; all when undefined. */
  only: RegExp | undefined;
  /** With `--profile`: tool processes run under `--cpu-prof` and their hotspots are printed. */
  profile: boolean;
  /** What is left of the time this run may spend waiting for a quiet machine. */
  quiet: QuietBudget;
  /** How many more disturbed measurements this run may repeat. */
  retries: { remaining: number };
  /** Progress lines (stderr). */
  log(line: string): void;
}

/** Whether the scenario `id` (e.g. `plan-sync-100k`) is selected by `--only`. */
export function selected(ctx: RunContext, id: string): boolean {
  return ctx.only === undefined || ctx.only.test(id);
}

/** `10k`, `100k`, `1m` — for scenario ids. */
export function sizeId(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}m` : n >= 1000 ? `${n / 1000}k` : String(n);
}

/**
 * Runs a tool process; with `--profile`, under `--cpu-prof`, printing the top functions by self
 * time once it exits. Baselines never run profiled.
 */
let profiles = 0;

export async function runTool(ctx: RunContext, id: string, spec: ChildSpec): Promise<ChildRun> {
  if (!ctx.profile) return runChild(spec);
  const dir = join(ctx.scratch, "profiles", `${id}-${profiles++}`);
  await mkdir(dir, { recursive: true });
  const run = await runChild({
    ...spec,
    nodeFlags: [...(spec.nodeFlags ?? []), "--cpu-prof", `--cpu-prof-dir=${dir}`],
  });
  await printProfiles(ctx, id, dir);
  return run;
}

/** Runs longer than this are not repeated when disturbed: the repeat would cost too much. */
const RETRY_MAX_MS = 30_000;

/**
 * Whether to measure a disturbed run again: only short runs, while the run's retry budget lasts.
 * Logs the decision.
 */
export function retryNoisy(ctx: RunContext, id: string, wallMs: number): boolean {
  if (wallMs > RETRY_MAX_MS || ctx.retries.remaining <= 0) return false;
  ctx.retries.remaining--;
  ctx.log(`${id}: other processes were busy during the run; measuring it again`);
  return true;
}

/** With `--profile`, the flags that make the emulator of scenario `id` write a CPU profile. */
export async function emulatorProfile(
  ctx: RunContext,
  id: string | undefined,
): Promise<{ nodeFlags?: string[] }> {
  if (!ctx.profile || id === undefined) return {};
  const dir = join(ctx.scratch, "profiles", `emulator-${id}`);
  await mkdir(dir, { recursive: true });
  return { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${dir}`] };
}

/** Prints the profiles the emulator of scenario `id` wrote. */
export async function reportEmulatorProfile(
  ctx: RunContext,
  id: string | undefined,
): Promise<void> {
  if (!ctx.profile || id === undefined) return;
  await printProfiles(
    ctx,
    `the emulator during ${id}`,
    join(ctx.scratch, "profiles", `emulator-${id}`),
  );
}

async function printProfiles(ctx: RunContext, what: string, dir: string): Promise<void> {
  const { readdir } = await import("node:fs/promises");
  for (const file of await readdir(dir)) {
    if (!file.endsWith(".cpuprofile")) continue;
    const hotspots = summariseProfile(await readProfile(join(dir, file)), 25, ctx.build);
    ctx.log(`profile of ${what} (${join(dir, file)}), top self time:\n${formatHotspots(hotspots)}`);
  }
}

/** A measured child process, with what the emulator and the rest of the machine did meanwhile. */
export interface Measurement {
  run: ChildRun;
  /** CPU time the emulator process used while the child ran. */
  emulatorCpuMs: number;
  /** CPU used by processes that are not ours, in cores (1 = one core), while the child ran. */
  otherLoad: number;
}

/**
 * Waits for a quiet machine (within the run's budget), then runs one measured child, reading
 * the emulator's CPU time right before and after.
 */
export async function measureChild(
  ctx: RunContext,
  emulator: { cpuMs(): Promise<number> } | undefined,
  start: () => Promise<ChildRun>,
): Promise<Measurement> {
  await waitForQuiet(ctx.quiet);
  const cpuBefore = (await emulator?.cpuMs()) ?? 0;
  const window: LoadWindow = startLoadWindow();
  const run = await start();
  const cpuAfter = (await emulator?.cpuMs()) ?? 0;
  const emulatorCpuMs = cpuAfter - cpuBefore;
  return { run, emulatorCpuMs, otherLoad: window.end(run.cpuMs + emulatorCpuMs) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
