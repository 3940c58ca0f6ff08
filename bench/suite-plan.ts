/**
 * Plan benchmarks: `dataset plan` against apps of N inputs in sync with the manifest, with 1% of
 * them changed, and empty — each beside its baseline (js-yaml of the same files + a raw undici
 * StreamInputs loop) in the same run — plus the stage-by-stage breakdown and `dataset validate`.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ApiLimits } from "../src/api/types.js";
import {
  type Measurement,
  measureChild,
  median,
  type RunContext,
  retryNoisy,
  runTool,
  selected,
  sizeId,
} from "./context.js";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-host.js";
import {
  BENCH_MANIFEST_NAME,
  BENCH_SEED,
  BENCH_USER,
  type ChangeCounts,
  changeOnePercent,
  type ManifestFiles,
  seedInSync,
  writeShardedManifest,
} from "./fixtures.js";
import { generateInputs, generateManifest } from "./gen-manifest.js";
import { NOISY_LOAD } from "./machine-load.js";
import { type ChildRun, expectSuccess, runChild } from "./measure.js";
import type { PlanStages } from "./plan-stages.js";
import type { PlanRow, PlanScenario, StagesRow, ValidateRow } from "./results.js";

/** The app of a store that holds the in-sync inputs; `EMPTY_APP` never gets any. */
const SYNC_APP = "sync";
const EMPTY_APP = "empty";

/** Issue 16's realistic inputs, for every plan and validate scenario. */
const PLAN_SHAPE = "labelled";

/** What the tool must answer, checked on its text output. */
type Expected =
  | { kind: "no-changes"; n: number }
  | { kind: "changes"; create: number; update: number; replace: number };

interface BaselineOutput {
  parsed: number;
  streamed: number;
  pages: number;
  parseMs: number;
  streamMs: number;
}

interface Fixture {
  n: number;
  dir: string;
  sync: ManifestFiles;
  changed?: { files: ManifestFiles; expected: ChangeCounts };
  store: string;
}

export async function runPlanSuite(
  ctx: RunContext,
): Promise<{ plan: PlanRow[]; stages: StagesRow[] }> {
  const { config } = ctx;
  const plan: PlanRow[] = [];
  const stages: StagesRow[] = [];
  const sizes = [...new Set([...config.planSync, ...config.planChanged, ...config.planStages])];
  for (const n of sizes.sort((a, b) => a - b)) {
    const ids = {
      sync: `plan-sync-${sizeId(n)}`,
      changed: `plan-changed-${sizeId(n)}`,
      empty: `plan-empty-${sizeId(n)}`,
      stages: `plan-stages-${sizeId(n)}`,
    };
    const wanted = {
      sync: config.planSync.includes(n) && selected(ctx, ids.sync),
      changed: config.planChanged.includes(n) && selected(ctx, ids.changed),
      empty: config.planChanged.includes(n) && selected(ctx, ids.empty),
      stages: config.planStages.includes(n) && selected(ctx, ids.stages),
    };
    if (!Object.values(wanted).some(Boolean)) continue;

    const fixture = await buildFixture(ctx, n, wanted.changed);
    const emulator = await startEmulatorProcess({ db: fixture.store });
    try {
      await warmUp(emulator);
      const reps = config.planReps[n] ?? 1;
      if (wanted.sync) {
        plan.push(
          await measurePlan(ctx, emulator, {
            id: ids.sync,
            scenario: "in sync",
            n,
            manifest: fixture.sync,
            appId: SYNC_APP,
            live: n,
            reps,
            expected: { kind: "no-changes", n },
          }),
        );
      }
      if (wanted.changed && fixture.changed) {
        const { files, expected } = fixture.changed;
        plan.push(
          await measurePlan(ctx, emulator, {
            id: ids.changed,
            scenario: "1% changed",
            n,
            manifest: files,
            appId: SYNC_APP,
            live: n,
            reps,
            expected: { kind: "changes", create: 0, ...expected },
          }),
        );
      }
      if (wanted.empty) {
        plan.push(
          await measurePlan(ctx, emulator, {
            id: ids.empty,
            scenario: "empty app",
            n,
            manifest: fixture.sync,
            appId: EMPTY_APP,
            live: 0,
            reps,
            expected: { kind: "changes", create: n, update: 0, replace: 0 },
          }),
        );
      }
      if (wanted.stages) stages.push(await measureStages(ctx, emulator, fixture));
    } finally {
      await emulator.close();
      await rm(fixture.dir, { recursive: true, force: true });
    }
  }
  return { plan, stages };
}

async function buildFixture(ctx: RunContext, n: number, changed: boolean): Promise<Fixture> {
  const started = performance.now();
  const dir = join(ctx.scratch, `plan-${sizeId(n)}`);
  const inputs = generateInputs(n, BENCH_SEED, { shape: PLAN_SHAPE });
  const sync = await writeShardedManifest(join(dir, "sync"), inputs);
  const fixture: Fixture = { n, dir, sync, store: join(dir, "store.db") };
  if (changed) {
    const variant = changeOnePercent(inputs);
    fixture.changed = {
      files: await writeShardedManifest(join(dir, "changed"), variant.inputs),
      expected: variant.expected,
    };
  }
  seedInSync(fixture.store, SYNC_APP, inputs);
  ctx.log(
    `fixture ${sizeId(n)}: ${sync.files.length} manifest files, ${(sync.bytes / 1e6).toFixed(0)} MB, store seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return fixture;
}

/** A few pages read before measuring, so that neither side pays for the emulator's cold start. */
async function warmUp(emulator: EmulatorProcess): Promise<void> {
  let lastId: string | undefined;
  for (let page = 0; page < 5; page++) {
    const query = new URLSearchParams({ per_page: String(ApiLimits.streamPerPageMax) });
    if (lastId !== undefined) query.set("last_id", lastId);
    const response = await fetch(
      `${emulator.url}/v2/users/${BENCH_USER}/apps/${SYNC_APP}/inputs/stream?${query}`,
      { headers: { authorization: "Key bench" } },
    );
    const body = (await response.json()) as { inputs?: { id: string }[] };
    lastId = body.inputs?.at(-1)?.id;
    if (lastId === undefined) return;
  }
}

interface PlanCase {
  id: string;
  scenario: PlanScenario;
  n: number;
  manifest: ManifestFiles;
  appId: string;
  /** Inputs in the app, which the baseline must stream. */
  live: number;
  reps: number;
  expected: Expected;
}

interface Sample extends Measurement {
  streamRequests: number;
}

/** One measured run, and the StreamInputs requests the emulator answered for it. */
async function sampled(
  ctx: RunContext,
  id: string,
  emulator: EmulatorProcess,
  fn: () => Promise<ChildRun>,
): Promise<Sample> {
  // Stats scan the store: read them outside the measured window.
  for (;;) {
    const before = (await emulator.stats()).endpoints.StreamInputs.requests;
    const measurement = await measureChild(ctx, emulator, fn);
    const after = (await emulator.stats()).endpoints.StreamInputs.requests;
    if (measurement.otherLoad > NOISY_LOAD && retryNoisy(ctx, id, measurement.run.wallMs)) continue;
    return { ...measurement, streamRequests: after - before };
  }
}

async function measurePlan(
  ctx: RunContext,
  emulator: EmulatorProcess,
  c: PlanCase,
): Promise<PlanRow> {
  const tool: Sample[] = [];
  const baseline: Sample[] = [];
  const problems: string[] = [];
  const runBaseline = () =>
    runChild({
      scratch: ctx.scratch,
      args: [
        ctx.script("baseline-plan"),
        JSON.stringify({
          files: c.manifest.files,
          url: emulator.url,
          userId: BENCH_USER,
          appId: c.appId,
          perPage: ApiLimits.streamPerPageMax,
        }),
      ],
    });
  const runPlan = () =>
    runTool(ctx, c.id, {
      scratch: ctx.scratch,
      cwd: ctx.scratch,
      args: [
        ctx.cli,
        "plan",
        c.manifest.root,
        "--api-base",
        emulator.url,
        "--pat",
        "bench",
        "--user-id",
        BENCH_USER,
        "--app-id",
        c.appId,
        // The emulator is a "real" target to the CLI, which caps it at 15 requests/s by default.
        "--max-rps",
        "1000000",
      ],
    });
  for (let rep = 0; rep < c.reps; rep++) {
    // Alternate which side goes first, so that drift favours neither.
    const order = rep % 2 === 0 ? (["baseline", "tool"] as const) : (["tool", "baseline"] as const);
    for (const side of order) {
      if (side === "baseline") {
        const sample = await sampled(ctx, c.id, emulator, runBaseline);
        expectSuccess(sample.run, `${c.id} baseline`);
        baseline.push(sample);
      } else {
        const sample = await sampled(ctx, c.id, emulator, runPlan);
        tool.push(sample);
      }
    }
  }

  for (const sample of tool) problems.push(...checkPlanOutput(c, sample.run));
  for (const sample of baseline) {
    const out = JSON.parse(sample.run.stdout) as BaselineOutput;
    if (out.parsed !== c.n)
      problems.push(`${c.id}: the baseline parsed ${out.parsed} inputs, not ${c.n}`);
    if (out.streamed !== c.live)
      problems.push(`${c.id}: the baseline streamed ${out.streamed} inputs, not ${c.live}`);
  }
  const baselineOut = baseline.map((s) => JSON.parse(s.run.stdout) as BaselineOutput);
  const toolWall = median(tool.map((s) => s.run.wallMs));
  const baselineWall = median(baseline.map((s) => s.run.wallMs));
  const row: PlanRow = {
    scenario: c.scenario,
    n: c.n,
    tool: {
      wallMs: toolWall,
      maxRssBytes: Math.max(...tool.map((s) => s.run.maxRssBytes)),
      cpuMs: median(tool.map((s) => s.run.cpuMs)),
    },
    baseline: {
      wallMs: baselineWall,
      maxRssBytes: Math.max(...baseline.map((s) => s.run.maxRssBytes)),
      cpuMs: median(baseline.map((s) => s.run.cpuMs)),
      parseMs: median(baselineOut.map((o) => o.parseMs)),
      streamMs: median(baselineOut.map((o) => o.streamMs)),
    },
    ratio: toolWall / baselineWall,
    requests: {
      tool: median(tool.map((s) => s.streamRequests)),
      baseline: median(baseline.map((s) => s.streamRequests)),
    },
    emulatorCpu: {
      tool: median(tool.map((s) => s.emulatorCpuMs / s.run.wallMs)),
      baseline: median(baseline.map((s) => s.emulatorCpuMs / s.run.wallMs)),
    },
    reps: c.reps,
    otherLoad: Math.max(...[...tool, ...baseline].map((s) => s.otherLoad)),
    problems,
  };
  ctx.log(
    `${c.id}: tool ${(toolWall / 1000).toFixed(2)} s, ${Math.round(row.tool.maxRssBytes / 1e6)} MB; baseline ${(baselineWall / 1000).toFixed(2)} s; ratio ${row.ratio.toFixed(2)}${problems.length > 0 ? `; PROBLEMS: ${problems.join("; ")}` : ""}`,
  );
  return row;
}

const number = (text: string | undefined) => Number((text ?? "").replaceAll(",", ""));

/** The tool's text output must say what the fixture was built to produce. */
function checkPlanOutput(c: PlanCase, run: ChildRun): string[] {
  if (run.exitCode !== 0) {
    return [
      `${c.id}: dataset plan exited with ${run.exitCode}: ${run.stderr.trim().split("\n").slice(-3).join(" / ")}`,
    ];
  }
  const expected = c.expected;
  if (expected.kind === "no-changes") {
    const match = /No changes\. The app matches the manifest \(([\d,]+) inputs?\)/.exec(run.stdout);
    return match && number(match[1]) === expected.n
      ? []
      : [
          `${c.id}: expected "No changes" for ${expected.n} inputs, got: ${run.stdout.slice(0, 200)}`,
        ];
  }
  const match =
    /Plan: ([\d,]+) to create, ([\d,]+) to update, ([\d,]+) to replace(?:, [\d,]+ to recreate)?, ([\d,]+) to delete/.exec(
      run.stdout,
    );
  if (
    match &&
    number(match[1]) === expected.create &&
    number(match[2]) === expected.update &&
    number(match[3]) === expected.replace &&
    number(match[4]) === 0
  ) {
    return [];
  }
  return [
    `${c.id}: expected ${expected.create} to create, ${expected.update} to update, ${expected.replace} to replace; got: ${match?.[0] ?? run.stdout.slice(-300)}`,
  ];
}

async function measureStages(
  ctx: RunContext,
  emulator: EmulatorProcess,
  fixture: Fixture,
): Promise<StagesRow> {
  const run = expectSuccess(
    await runTool(ctx, `plan-stages-${sizeId(fixture.n)}`, {
      scratch: ctx.scratch,
      nodeFlags: ["--expose-gc"],
      args: [
        ctx.script("plan-stages"),
        JSON.stringify({
          root: fixture.sync.root,
          // The parse-alone pass doubles the time at 1M for a figure the baseline already gives.
          files: fixture.n <= 100_000 ? fixture.sync.files : [],
          url: emulator.url,
          userId: BENCH_USER,
          appId: SYNC_APP,
        }),
      ],
    }),
    "plan-stages",
  );
  const stages = JSON.parse(run.stdout) as PlanStages;
  ctx.log(
    `plan-stages-${sizeId(fixture.n)}: load ${(stages.loadMs / 1000).toFixed(2)} s, stream+diff ${(stages.streamMs / 1000).toFixed(2)} s (diff ${(stages.observeMs / 1000).toFixed(2)} s), total ${(stages.totalMs / 1000).toFixed(2)} s`,
  );
  return { n: fixture.n, stages };
}

/** `dataset validate` on a single-file gen-manifest.ts manifest, beside js-yaml of the same file. */
export async function runValidateSuite(ctx: RunContext): Promise<ValidateRow[]> {
  const n = ctx.config.validate;
  const id = `validate-${sizeId(n)}`;
  if (!selected(ctx, id)) return [];
  const dir = join(ctx.scratch, "validate");
  const path = await generateManifest({
    n,
    name: BENCH_MANIFEST_NAME,
    seed: BENCH_SEED,
    dir,
    shape: PLAN_SHAPE,
  });
  const { size } = await import("node:fs/promises").then((fs) => fs.stat(path));
  const baselineRun = await measureChild(ctx, undefined, () =>
    runChild({
      scratch: ctx.scratch,
      args: [ctx.script("baseline-plan"), JSON.stringify({ files: [path], url: "" })],
    }),
  );
  const baseline = expectSuccess(baselineRun.run, `${id} baseline`);
  const toolRun = await measureChild(ctx, undefined, () =>
    runTool(ctx, id, { scratch: ctx.scratch, cwd: ctx.scratch, args: [ctx.cli, "validate", path] }),
  );
  const tool = toolRun.run;
  await rm(dir, { recursive: true, force: true });
  const problems: string[] = [];
  const match = /valid: ([\d,]+) inputs/.exec(tool.stdout);
  if (tool.exitCode !== 0 || !match || number(match[1]) !== n) {
    problems.push(
      `${id}: expected "valid: ${n} inputs", got exit ${tool.exitCode}: ${(tool.stdout + tool.stderr).slice(0, 300)}`,
    );
  }
  const out = JSON.parse(baseline.stdout) as BaselineOutput;
  const row: ValidateRow = {
    n,
    bytes: size,
    tool: { wallMs: tool.wallMs, maxRssBytes: tool.maxRssBytes, cpuMs: tool.cpuMs },
    baseline: {
      wallMs: baseline.wallMs,
      maxRssBytes: baseline.maxRssBytes,
      cpuMs: baseline.cpuMs,
      parseMs: out.parseMs,
    },
    ratio: tool.wallMs / baseline.wallMs,
    otherLoad: Math.max(baselineRun.otherLoad, toolRun.otherLoad),
    problems,
  };
  ctx.log(
    `${id}: tool ${(tool.wallMs / 1000).toFixed(2)} s, baseline ${(baseline.wallMs / 1000).toFixed(2)} s`,
  );
  return [row];
}
