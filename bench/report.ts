/**
 * The benchmark report: markdown tables of every figure beside its baseline and their ratio, and
 * the issue's targets marked met or missed. Pure: results in, text out.
 */
import { NOISY_LOAD as NOISY } from "./machine-load.js";
import type { ApplyRow, BenchResults, PlanRow, StagesRow, WaitRow } from "./results.js";

/** A target of issue 7 or 16 and how this run did. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** `undefined` when this run did not measure it (quick mode); `"figure"`: reported, no target. */
  met: boolean | undefined | "figure";
}

const MB = 1_000_000;
/** At or above this CPU share (of one core) the single-threaded emulator is the bottleneck. */
const EMULATOR_BOUND = 0.9;

const seconds = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(2) : (ms / 1000).toFixed(1));
const megabytes = (bytes: number) => `${Math.round(bytes / MB)}`;
const ratio = (r: number) => r.toFixed(2);
const count = (n: number) => Math.round(n).toLocaleString("en-US");
const percent = (share: number) => `${Math.round(share * 100)}%`;
const size = (n: number) =>
  n >= 1_000_000 && n % 1_000_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}k`
      : String(n);

/** A ratio, marked when other work on the machine ran beside it. */
const ratioCell = (r: number, otherLoad: number) =>
  `**${ratio(r)}**${otherLoad > NOISY ? " †" : ""}`;
const load = (cores: number) => cores.toFixed(2);
const orDash = (value: number | undefined, format: (v: number) => string) =>
  value === undefined ? "—" : format(value);
const verdict = (met: TargetCheck["met"]) =>
  met === "figure"
    ? "figure (no target)"
    : met === undefined
      ? "not measured (quick run)"
      : met
        ? "✅ met"
        : "❌ missed";

function inSync(results: BenchResults, n: number): PlanRow | undefined {
  return results.plan.find((row) => row.scenario === "in sync" && row.n === n);
}

/** Throughput of one side of an apply row. */
export function inputsPerSecond(row: ApplyRow, side: "tool" | "baseline"): number {
  return (row.n / row[side].ms) * 1000;
}

/** Polling requests per 128 created inputs. */
export function pollsPer128(row: WaitRow): number {
  return row.polls / (row.n / 128);
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const n of [100_000, 1_000_000]) {
    const row = inSync(results, n);
    checks.push({
      target: `plan in sync / baseline ≤ 1.3 at ${size(n)}`,
      measured: row ? ratio(row.ratio) : "—",
      met: row ? row.ratio <= 1.3 : undefined,
    });
  }
  const million = inSync(results, 1_000_000);
  checks.push({
    target: "peak RSS of a 1M plan ≤ 1.5 GB",
    measured: million ? `${megabytes(million.tool.maxRssBytes)} MB` : "—",
    met: million ? million.tool.maxRssBytes <= 1500 * MB : undefined,
  });
  checks.push({
    target: "1M in sync planned in ≤ 60 s",
    measured: million ? `${seconds(million.tool.wallMs)} s` : "—",
    met: million ? million.tool.wallMs <= 60_000 : undefined,
  });
  for (const concurrency of [4, 16]) {
    const rows = results.apply.filter((row) => row.concurrency === concurrency);
    const worst = rows.reduce<ApplyRow | undefined>(
      (acc, row) => (acc === undefined || row.ratio > acc.ratio ? row : acc),
      undefined,
    );
    checks.push({
      target: `apply / baseline ≤ 1.15 at concurrency ${concurrency}`,
      measured: worst
        ? `worst ${ratio(worst.ratio)} (${size(worst.n)}, ${worst.latencyMs} ms)`
        : "—",
      met: worst ? worst.ratio <= 1.15 : undefined,
    });
  }
  const sizes = [...new Set(results.apply.map((row) => row.n))];
  const growth: string[] = [];
  let grows: boolean | undefined;
  for (const n of sizes) {
    const rows = results.apply
      .filter((row) => row.n === n && row.latencyMs === 50)
      .sort((a, b) => a.concurrency - b.concurrency);
    if (rows.length < 2) continue;
    const rates = rows.map((row) => inputsPerSecond(row, "tool"));
    growth.push(`${size(n)}: ${rates.map(count).join(" → ")}`);
    const increasing = rates.every((rate, i) => i === 0 || rate > (rates[i - 1] ?? 0));
    grows = (grows ?? true) && increasing;
  }
  checks.push({
    target: "apply throughput grows with concurrency at 50 ms latency (inputs/s)",
    measured: growth.join("; ") || "—",
    met: grows,
  });
  const waits = results.wait;
  const worstWait = waits.reduce<WaitRow | undefined>(
    (acc, row) => (acc === undefined || pollsPer128(row) > pollsPer128(acc) ? row : acc),
    undefined,
  );
  checks.push({
    target: "≤ 2 polling requests per 128 created inputs (indexing delay 1 s, defaults)",
    measured:
      waits.map((row) => `${pollsPer128(row).toFixed(2)} at ${size(row.n)}`).join("; ") || "—",
    met: worstWait ? pollsPer128(worstWait) <= 2 : undefined,
  });
  return checks;
}

/** Bytes of live heap per declared input after loading the manifest (plan-stages). */
export function heapPerInputBytes(row: StagesRow): number | undefined {
  const heap = row.stages.heapAfterLoadMb;
  return heap === null ? undefined : (heap * MB) / row.n;
}

/** Issue 16: plan in sync against its floor (the baseline script) and start-up against node. */
export function checkIssue16Targets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const n of [100_000, 1_000_000]) {
    const row = inSync(results, n);
    checks.push({
      target: `plan in sync ≤ 0.85 × the floor at ${size(n)}`,
      measured: row
        ? `${ratio(row.ratio)} (${seconds(row.tool.wallMs)} s vs ${seconds(row.baseline.wallMs)} s)`
        : "—",
      met: row ? row.ratio <= 0.85 : undefined,
    });
  }
  const million = inSync(results, 1_000_000);
  checks.push({
    target: "1M in sync planned in ≤ 30 s",
    measured: million ? `${seconds(million.tool.wallMs)} s` : "—",
    met: million ? million.tool.wallMs <= 30_000 : undefined,
  });
  checks.push({
    target: "peak RSS of the 1M plan ≤ 1.10 × the floor's peak",
    measured: million
      ? `${megabytes(million.tool.maxRssBytes)} MB vs ${megabytes(million.baseline.maxRssBytes)} MB (${ratio(million.tool.maxRssBytes / million.baseline.maxRssBytes)}×)`
      : "—",
    met: million ? million.tool.maxRssBytes <= 1.1 * million.baseline.maxRssBytes : undefined,
  });
  const startup = results.startup?.[0];
  checks.push({
    target: "start-up: `dataset --version` within 30 ms of bare `node -e 0`",
    measured: startup
      ? `${startup.cliMs.toFixed(0)} ms vs ${startup.nodeMs.toFixed(0)} ms (+${startup.deltaMs.toFixed(0)} ms)`
      : "—",
    met: startup ? startup.deltaMs <= 30 : undefined,
  });
  const stages = results.stages.find((row) => row.n === 1_000_000);
  const perInput = stages ? heapPerInputBytes(stages) : undefined;
  checks.push({
    target: "live heap per input after loading the 1M manifest",
    measured: perInput === undefined ? "—" : `${count(perInput)} bytes`,
    met: perInput === undefined ? undefined : "figure",
  });
  return checks;
}

function table(head: string[], rows: string[][]): string {
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

function problemsOf(rows: { problems: string[] }[]): string[] {
  return rows.flatMap((row) => row.problems);
}

/** Sections of the report kept in their own files under bench/ (full runs only). */
export interface ReportNotes {
  /** The hand-written notes appended at the end (bench/analysis.md). */
  analysis?: string | undefined;
  /** bench/rate-limited-apply.ts's hand-maintained section, placed before Validate. */
  rateLimited?: string | undefined;
  /** bench/sources.ts's generated section (bench/sources.md), placed after the plan sections. */
  sources?: string | undefined;
}

export function renderReport(results: BenchResults, notes: ReportNotes = {}): string {
  const { analysis, rateLimited, sources } = notes;
  const m = results.machine;
  const out: string[] = [];
  out.push(
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); `npm run bench -- --quick` runs a small suite and only prints.",
    "Every figure is measured in the same run as its baseline, and ratios are tool time / baseline time:",
    "absolute times drift on shared machines, ratios much less. The emulator runs in its own process,",
    "the tool and the baselines each in theirs, so CPU time and peak RSS belong to one process each.",
    "Before each measured run the runner waits (within a budget) for the machine to be idle; `other",
    "load` is the CPU that processes other than ours used during the run, in cores, and † marks a",
    `ratio measured while it exceeded ${NOISY} cores.`,
    "",
    table(
      ["", ""],
      [
        ["Date", m.date],
        [
          "Machine",
          `${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ${m.os}`,
        ],
        ["Node", m.node],
        ["Commit", m.commit],
        ["Run", `${results.mode}, ${(results.durationMs / 60_000).toFixed(1)} min`],
      ],
    ),
    "",
    "## Targets (issue 7)",
    "",
    table(
      ["target", "measured", "result"],
      checkTargets(results).map((c) => [c.target, c.measured, verdict(c.met)]),
    ),
    "",
    "## Targets (issue 16)",
    "",
    "The floor is the plan baseline below (js-yaml of the same files, then a raw StreamInputs loop, in",
    "one process), measured in the same run; inputs are issue 16's realistic ones (see Plan).",
    "",
    table(
      ["target", "measured", "result"],
      checkIssue16Targets(results).map((c) => [c.target, c.measured, verdict(c.met)]),
    ),
    "",
  );

  out.push(
    "## Plan",
    "",
    "Tool: `node dist/src/cli/bin.js plan <manifest> --api-base <emulator>` (text output, `--max-rps` lifted),",
    "as a child process. Baseline (issue 16's floor), in its own process: js-yaml `load` of the same manifest files (the",
    "parser the loader uses) plus a minimal undici loop streaming the same app with StreamInputs at the same",
    "page size (1,000), parsing each page and discarding it. Manifests are a root file including parts of",
    "at most 100,000 inputs (the loader refuses files over 64 MB). Apps are pre-seeded in bulk, not through",
    'our client. "1% changed": one input in a hundred differs (a concept flipped or added, or a',
    'metadata value: updates; or a new URL: a replace). "Empty app": every input is a create. The',
    "baseline keeps the parsed inputs until it exits, as a script comparing them with the app would.",
    "Wall times are medians over the repetitions; RSS is the peak of each process; every tool answer",
    "is checked against what the fixture was built to produce. Inputs (bench/gen-manifest.ts, shape",
    "`labelled`): each has 2–3 concepts, one of them with value 0, and nested metadata with a list,",
    "`{split, source: {vendor, batch}, tags: [1–3 strings], score}`, written as people write them",
    "(block style per input, flow style for concepts and nested values).",
    "",
    table(
      [
        "scenario",
        "N",
        "tool s",
        "baseline s (parse + stream)",
        "ratio",
        "tool peak RSS MB",
        "baseline peak RSS MB",
        "tool CPU s",
        "requests tool / baseline",
        "emulator CPU tool / baseline",
        "other load",
        "reps",
      ],
      results.plan.map((row) => [
        row.scenario,
        size(row.n),
        seconds(row.tool.wallMs),
        `${seconds(row.baseline.wallMs)} (${seconds(row.baseline.parseMs)} + ${seconds(row.baseline.streamMs)})`,
        ratioCell(row.ratio, row.otherLoad),
        megabytes(row.tool.maxRssBytes),
        megabytes(row.baseline.maxRssBytes),
        seconds(row.tool.cpuMs),
        `${count(row.requests.tool)} / ${count(row.requests.baseline)}`,
        `${percent(row.emulatorCpu.tool)} / ${percent(row.emulatorCpu.baseline)}`,
        load(row.otherLoad),
        String(row.reps),
      ]),
    ),
    "",
  );
  if (results.stages.length > 0) {
    out.push(
      "### Where a plan's time goes",
      "",
      "The stages of `planLiveApp` timed one by one in one process (bench/plan-stages.ts), app in sync.",
      "`stream + diff` is the whole StreamInputs loop; `diff` the part of it spent in `differ.observe`.",
      "Live heap = heap in use after a forced full GC (outside the timed stages): what the loaded",
      "manifest, then the manifest plus the differ's state, keep alive.",
      "",
      table(
        [
          "N",
          "load manifest s",
          "YAML parse alone s",
          "RSS after load MB",
          "live heap after load MB",
          "live heap per input bytes",
          "index s",
          "stream + diff s",
          "diff s",
          "assemble s",
          "render s",
          "total s",
          "live heap after diff MB",
          "peak RSS MB",
        ],
        results.stages.map((row) => {
          const s = row.stages;
          return [
            size(row.n),
            seconds(s.loadMs),
            s.parseOnlyMs === null ? "—" : seconds(s.parseOnlyMs),
            String(s.rssAfterLoadMb),
            s.heapAfterLoadMb === null ? "—" : String(s.heapAfterLoadMb),
            orDash(heapPerInputBytes(row), count),
            seconds(s.indexMs),
            seconds(s.streamMs),
            seconds(s.observeMs),
            seconds(s.assembleMs),
            seconds(s.renderMs),
            seconds(s.totalMs),
            s.heapAfterDiffMb === null ? "—" : String(s.heapAfterDiffMb),
            String(s.rssPeakMb),
          ];
        }),
      ),
      "",
    );
  }

  const startup = results.startup ?? [];
  if (startup.length > 0) {
    out.push(
      "### Start-up",
      "",
      "`node dist/src/cli/bin.js --version` beside bare `node -e 0`, spawned directly (no measuring hook),",
      "alternated, after two unmeasured runs of each; wall time from spawn to exit, medians. Every",
      "`--version` answer is checked against package.json.",
      "",
      table(
        [
          "runs per side",
          "`dataset --version` ms",
          "`node -e 0` ms",
          "difference ms",
          "other load",
        ],
        startup.map((row) => [
          String(row.runs),
          row.cliMs.toFixed(1),
          row.nodeMs.toFixed(1),
          `+${row.deltaMs.toFixed(1)}${row.otherLoad > NOISY ? " †" : ""}`,
          load(row.otherLoad),
        ]),
      ),
      "",
    );
  }
  if (sources !== undefined && sources.trim() !== "") out.push(sources.trim(), "");

  out.push(
    "## Apply (creates)",
    "",
    "Tool: `applyPlan` (src/apply/executor.ts) with the undici client executing a plan of N creates,",
    "without waiting for indexing. Baseline: a minimal undici loop posting the same 128-input bodies at",
    "the same concurrency. Both run in a child process of their own and build their request bodies inside",
    "the timed part. The emulator uses an in-memory store (the virtual disk's flushes only add noise), is",
    "warmed up first, and adds the given latency to every response. Ratio = tool time / baseline time",
    "(medians over the repetitions); CPU shares are of one core.",
    "",
    table(
      [
        "N",
        "latency ms",
        "concurrency",
        "tool inputs/s",
        "baseline inputs/s",
        "ratio",
        "tool CPU",
        "baseline CPU",
        "emulator CPU tool / baseline",
        "requests tool / baseline",
        "other load",
        "reps",
      ],
      results.apply.map((row) => [
        size(row.n),
        String(row.latencyMs),
        String(row.concurrency),
        count(inputsPerSecond(row, "tool")),
        count(inputsPerSecond(row, "baseline")),
        ratioCell(row.ratio, row.otherLoad),
        percent(row.tool.cpuMs / row.tool.ms),
        percent(row.baseline.cpuMs / row.baseline.ms),
        `${percent(row.emulatorCpu.tool)} / ${percent(row.emulatorCpu.baseline)}${
          Math.max(row.emulatorCpu.tool, row.emulatorCpu.baseline) >= EMULATOR_BOUND
            ? " (emulator-bound)"
            : ""
        }`,
        `${count(row.requests.tool)} / ${count(row.requests.baseline)}`,
        load(row.otherLoad),
        String(row.reps),
      ]),
    ),
    "",
  );

  if (results.wait.length > 0) {
    out.push(
      "### Waiting for indexing",
      "",
      "`node dist/src/cli/bin.js apply <manifest> --yes` end to end (load, plan, post, wait) at the default",
      "concurrency against an empty app, emulator indexing delay 1 s. Polling = ListInputs + GetInput +",
      "GetInputCount requests, counted by the emulator.",
      "",
      table(
        [
          "N",
          "concurrency",
          "CLI wall s",
          "CLI peak RSS MB",
          "PostInputs",
          "polling requests",
          "per 1,000 inputs",
          "per 128 inputs",
          "all requests",
          "other load",
        ],
        results.wait.map((row) => [
          size(row.n),
          String(row.concurrency),
          seconds(row.cli.wallMs),
          megabytes(row.cli.maxRssBytes),
          count(row.requests.PostInputs ?? 0),
          count(row.polls),
          (row.polls / (row.n / 1000)).toFixed(2),
          pollsPer128(row).toFixed(2),
          Object.entries(row.requests)
            .filter(([, value]) => value > 0)
            .map(([key, value]) => `${key} ${count(value)}`)
            .join(", "),
          load(row.otherLoad),
        ]),
      ),
      "",
    );
  }

  if (rateLimited !== undefined && rateLimited.trim() !== "") out.push(rateLimited.trim(), "");

  if (results.validate.length > 0) {
    out.push(
      "## Validate",
      "",
      "`node dist/src/cli/bin.js validate` on a single-file manifest from bench/gen-manifest.ts (the plan's inputs), against",
      "js-yaml `load` of the same file in a process of its own.",
      "",
      table(
        [
          "N",
          "file MB",
          "tool s",
          "tool peak RSS MB",
          "baseline parse s",
          "baseline peak RSS MB",
          "ratio",
          "other load",
        ],
        results.validate.map((row) => [
          size(row.n),
          megabytes(row.bytes),
          seconds(row.tool.wallMs),
          megabytes(row.tool.maxRssBytes),
          seconds(row.baseline.wallMs),
          megabytes(row.baseline.maxRssBytes),
          ratioCell(row.ratio, row.otherLoad),
          load(row.otherLoad),
        ]),
      ),
      "",
    );
  }

  out.push(...emulatorSection(results));

  const problems = [
    ...problemsOf(results.plan),
    ...problemsOf(results.apply),
    ...problemsOf(results.wait),
    ...problemsOf(results.validate),
    ...problemsOf(startup),
  ];
  out.push("## Checks", "");
  out.push(
    problems.length === 0
      ? "Every run's answer was checked (plan summaries, streamed and created counts, `--version`, exit codes): all right."
      : problems.map((p) => `- ${p}`).join("\n"),
    "",
  );
  if (analysis !== undefined && analysis.trim() !== "") out.push(analysis.trim(), "");
  return out.join("\n");
}

/** The emulator's own throughput, as the baselines saw it (issue 3 asks for these). */
function emulatorSection(results: BenchResults): string[] {
  const lines: string[] = [];
  const post = results.apply
    .filter((row) => row.latencyMs === 0 && row.concurrency === 1)
    .sort((a, b) => b.n - a.n)[0];
  const postWide = results.apply
    .filter((row) => row.latencyMs === 0)
    .sort((a, b) => inputsPerSecond(b, "baseline") - inputsPerSecond(a, "baseline"))[0];
  const stream =
    inSync(results, 100_000) ??
    results.plan.filter((row) => row.scenario === "in sync").sort((a, b) => b.n - a.n)[0];
  if (!post && !stream) return lines;
  lines.push("## The emulator itself", "");
  if (post) {
    lines.push(
      `- PostInputs, 128 inputs per request, one in flight: ${count(inputsPerSecond(post, "baseline"))} inputs/s (${size(post.n)} inputs, baseline loop, emulator CPU ${percent(post.emulatorCpu.baseline)}).`,
    );
  }
  if (postWide) {
    lines.push(
      `- PostInputs at best: ${count(inputsPerSecond(postWide, "baseline"))} inputs/s at concurrency ${postWide.concurrency} (${size(postWide.n)} inputs, emulator CPU ${percent(postWide.emulatorCpu.baseline)}).`,
    );
  }
  if (stream) {
    const rate = (stream.n / stream.baseline.streamMs) * 1000;
    lines.push(
      `- StreamInputs, one full pass over ${size(stream.n)} stored inputs at per_page 1,000: ${count(rate)} inputs/s (${seconds(stream.baseline.streamMs)} s, baseline loop).`,
    );
  }
  lines.push("");
  return lines;
}
