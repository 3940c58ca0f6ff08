/**
 * Source benchmarks (issue 14), run on their own:
 *
 *   npm run build && npx tsc -p tsconfig.bench.json
 *   node dist/bench/sources.js [--jsonl N] [--csv N] [--folder N] [--only jsonl,csv,folder] [--reps R] [--write]
 *
 * - JSONL and CSV, N inputs (default 1,000,000), app in sync: `dataset plan` beside its floor, a
 *   hand-written script (bench/baseline-sources.ts) that parses the same file line by line and
 *   then streams the app, in the same run. Wall time and peak RSS of each (medians of R runs,
 *   alternated; default 1).
 * - Folder of N small images (default 100,000), app in sync: the first plan (hashing every file)
 *   beside `sha256sum` over the same files; the second plan (hash cache warm) with the image bytes
 *   it read, counted two ways — bench/fs-read-hook.ts (files under the folder opened or read
 *   through `node:fs`, and bytes read from them) and the images' access times (reset before the
 *   run; the kernel updates them on any read) — beside a plan of the same number of inputs
 *   declared by URL in a JSONL file.
 *
 * Every answer is checked: each plan must say "No changes" for N inputs, each floor must have
 * parsed and streamed N. Prints a markdown section with issue 14's targets; at the default sizes
 * (or with `--write`) also writes it to bench/sources.md, which `npm run bench` (and
 * `node dist/bench/run.js --render bench/last-run.json`) put into docs/benchmarks.md. Exits 1
 * when a check failed.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiInput } from "../src/api/types.js";
import { ApiLimits } from "../src/api/types.js";
import { seedStore } from "../src/emulator/index.js";
import { sha256Hex } from "../src/util/sha256.js";
import { median } from "./context.js";
import { type EmulatorProcess, startEmulatorProcess } from "./emulator-host.js";
import { BENCH_MANIFEST_NAME, BENCH_SEED, BENCH_USER, seedInSync } from "./fixtures.js";
import { generateInputs } from "./gen-manifest.js";
import { describeMachine } from "./machine.js";
import { type QuietBudget, startLoadWindow, waitForQuiet } from "./machine-load.js";
import { type ChildRun, runChild } from "./measure.js";
import { writeCsv, writeJsonl } from "./source-files.js";

const BIN = fileURLToPath(new URL("../src/cli/bin.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./baseline-sources.js", import.meta.url));
const IO_HOOK = fileURLToPath(new URL("./io-hook.js", import.meta.url));
const READ_HOOK = fileURLToPath(new URL("./fs-read-hook.js", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const APP = "sync";
const MB = 1e6;
/** Issue 14's sizes: the targets are stated at these. */
const TARGET_N = { jsonl: 1_000_000, csv: 1_000_000, folder: 100_000 };

interface Row {
  scenario: string;
  n: number;
  wallS: number;
  /** Undefined when not measured (sha256sum). */
  rssMb: number | undefined;
  note: string;
}

interface Target {
  target: string;
  measured: string;
  met: boolean | "figure";
  /** The size it was measured at, when not the target's. */
  at?: number;
}

const argv = process.argv.slice(2);
const sizeFlags = ["--jsonl", "--csv", "--folder", "--only"];
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(argv[at + 1]);
};
const only = argv.includes("--only")
  ? (argv[argv.indexOf("--only") + 1] ?? "").split(",")
  : undefined;
const wants = (kind: string) => only === undefined || only.includes(kind);
const reps = option("reps", 1);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] ?? "";
  const valued = [...sizeFlags, "--reps"].includes(arg);
  const value = argv[i + 1] ?? "";
  if (arg === "--write" || (valued && (arg === "--only" || Number(value) > 0))) {
    if (valued) i++;
    continue;
  }
  process.stderr.write(`bench/sources.ts: bad argument ${arg} ${value}; see the top of the file\n`);
  process.exit(1);
}
const write = argv.includes("--write") || !sizeFlags.some((flag) => argv.includes(flag));

const machine = describeMachine(REPO);
const started = performance.now();
const scratch = await mkdtemp(join(tmpdir(), "dataset-bench-sources-"));
const rows: Row[] = [];
const targets: Target[] = [];
const problems: string[] = [];
/** What the whole run may spend waiting for other people's work to finish. */
const quiet: QuietBudget = { remainingMs: 120_000 };
/** The most CPU other processes used during one measured run, in cores. */
let otherLoad = 0;
try {
  for (const kind of ["jsonl", "csv"] as const) {
    if (wants(kind)) await tabular(kind, option(kind, TARGET_N[kind]));
  }
  if (wants("folder")) await folder(option("folder", TARGET_N.folder));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
const section = renderSection();
process.stdout.write(section);
if (write) {
  await writeFile(join(REPO, "bench", "sources.md"), section);
  process.stderr.write(
    "wrote bench/sources.md; `node dist/bench/run.js --render bench/last-run.json` puts it into docs/benchmarks.md\n",
  );
}
process.exitCode = problems.length > 0 ? 1 : 0;

/** JSONL or CSV of `n` generated inputs, app in sync: the tool's plan and its floor. */
async function tabular(kind: "jsonl" | "csv", n: number): Promise<void> {
  const dir = join(scratch, kind);
  await mkdir(dir, { recursive: true });
  const inputs = generateInputs(n, BENCH_SEED);
  const file = join(dir, `inputs.${kind}`);
  const source = kind === "jsonl" ? await writeJsonl(file, inputs) : await writeCsv(file, inputs);
  await writeFile(
    join(dir, "dataset.yaml"),
    `version: 1\nname: ${BENCH_MANIFEST_NAME}\nsources:\n${source}`,
  );
  const db = join(dir, "store.db");
  seedInSync(db, APP, inputs);
  const emulator = await startEmulatorProcess({ db });
  const floorArgs = [
    BASELINE,
    JSON.stringify({
      kind,
      file,
      url: emulator.url,
      userId: BENCH_USER,
      appId: APP,
      perPage: ApiLimits.streamPerPageMax,
    }),
  ];
  // The CSV's floor with the tool's parser too (a figure: the target's floor is csv-parse's).
  const papaArgs = [
    BASELINE,
    JSON.stringify({ ...JSON.parse(floorArgs[1] ?? "{}"), parser: "papaparse" }),
  ];
  const floors: Measured[] = [];
  const papaFloors: Measured[] = [];
  const tools: Measured[] = [];
  const sides = kind === "csv" ? ["floor", "tool", "papa"] : ["floor", "tool"];
  try {
    for (let rep = 0; rep < reps; rep++) {
      // Alternate which side goes first, so that drift favours neither.
      for (const side of rep % 2 === 0 ? sides : [...sides].reverse()) {
        if (side === "papa") {
          const floor = await measure(papaArgs, {
            cwd: dir,
            what: "csv floor (papaparse)",
            emulator,
          });
          checkFloor(floor, "csv floor (papaparse)", n);
          papaFloors.push(floor);
        } else if (side === "floor") {
          const floor = await measure(floorArgs, { cwd: dir, what: `${kind} floor`, emulator });
          checkFloor(floor, `${kind} floor`, n);
          floors.push(floor);
        } else {
          const tool = await plan(dir, emulator);
          checkNoChanges(tool, `${kind} plan`, n);
          tools.push(tool);
        }
      }
    }
  } finally {
    await emulator.close();
  }
  const floor = summary(floors);
  const tool = summary(tools);
  const ratio = tool.wallMs / floor.wallMs;
  rows.push(
    row(`${kind} floor (parse, then stream)`, n, floor, kind === "csv" ? "csv-parse" : ""),
    row(`${kind} \`dataset plan\`, in sync`, n, tool, `${ratio.toFixed(2)}× the floor`),
  );

  const at = n === TARGET_N[kind] ? {} : { at: n };
  targets.push(
    {
      target: `${kind.toUpperCase()} 1M, app in sync: plan wall ≤ the floor's`,
      measured: `${seconds(tool.wallMs)} s vs ${seconds(floor.wallMs)} s (${ratio.toFixed(2)}×)`,
      met: ratio <= 1,
      ...at,
    },
    {
      target: `${kind.toUpperCase()} 1M, app in sync: plan peak RSS ≤ 800 MB`,
      measured: `${megabytes(tool.maxRssBytes)} MB (floor ${megabytes(floor.maxRssBytes)} MB)`,
      met: tool.maxRssBytes <= 800 * MB,
      ...at,
    },
  );
  if (papaFloors.length > 0) {
    const papa = summary(papaFloors);
    const papaRatio = tool.wallMs / papa.wallMs;
    rows.push(
      row(
        "csv floor with papaparse (the tool's parser)",
        n,
        papa,
        `plan = ${papaRatio.toFixed(2)}× this`,
      ),
    );
    targets.push({
      target: "CSV 1M: plan wall vs a floor reading the CSV with papaparse, the tool's parser",
      measured: `${seconds(tool.wallMs)} s vs ${seconds(papa.wallMs)} s (${papaRatio.toFixed(2)}×)`,
      met: "figure",
      ...(n === TARGET_N.csv ? {} : { at: n }),
    });
  }
}

/** A folder of `n` small distinct images in 10 class folders, app in sync. */
async function folder(n: number): Promise<void> {
  const dir = join(scratch, "folder");
  const photos = join(dir, "photos");
  const header = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
  const old = new Date("2024-01-01T00:00:00Z");
  const live: ApiInput[] = [];
  const paths: string[] = [];
  let imageBytes = 0;
  for (let c = 0; c < 10; c++) await mkdir(join(photos, `class${c}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    const path = join(photos, `class${i % 10}`, `img${i}.png`);
    const bytes = Buffer.concat([header, Buffer.from(`image ${i} `.padEnd(240, "."))]);
    await writeFile(path, bytes);
    await utimes(path, old, old);
    paths.push(path);
    imageBytes += bytes.length;
    const sha256 = sha256Hex(bytes);
    live.push({
      id: sha256.slice(0, 40),
      data: {
        image: { base64: bytes.toString("base64") },
        concepts: [{ id: `class${i % 10}`, value: 1 }],
        metadata: { _dataset: { manifest: BENCH_MANIFEST_NAME, sha256 } },
      },
    } as ApiInput);
  }
  await writeFile(
    join(dir, "dataset.yaml"),
    `version: 1\nname: ${BENCH_MANIFEST_NAME}\nsources:\n  - folder: photos\n`,
  );
  const db = join(dir, "store.db");
  // Created in the order `dataset apply` posts them (the folder source's: relative paths in
  // code-unit order), as the URL side's app is created in its inputs' order.
  const relative = (i: number) => `class${i % 10}/img${i}.png`;
  const order = live.map((_, i) => i).sort((a, b) => (relative(a) < relative(b) ? -1 : 1));
  seedStore(
    db,
    { userId: BENCH_USER, appId: APP },
    order.map((i) => live[i] as ApiInput),
  );

  // The same number of inputs declared by URL, in sync in another app.
  const byUrl = join(scratch, "by-url");
  await mkdir(byUrl, { recursive: true });
  const inputs = generateInputs(n, BENCH_SEED);
  await writeFile(
    join(byUrl, "dataset.yaml"),
    `version: 1\nname: ${BENCH_MANIFEST_NAME}\nsources:\n${await writeJsonl(join(byUrl, "inputs.jsonl"), inputs)}`,
  );
  seedInSync(db, "by-url", inputs);

  const sha256sum = await measureSha256sum(paths, dir);
  // sha256sum read them all: back to the old access time, so that the first plan's reads show.
  for (const path of paths) await utimes(path, old, old);
  const emulator = await startEmulatorProcess({ db });
  try {
    const first = await plan(dir, emulator, { imageDir: photos });
    checkNoChanges(first, "first folder plan", n);
    // The access times show what the kernel saw read: every image, the first time.
    const readFirst = await accessedSince(paths, old);
    if (readFirst !== n) {
      problems.push(
        `first folder plan: ${readFirst} of ${n} images have a new access time; the access-time check cannot be trusted on this file system`,
      );
    }
    const warmRuns: Measured[] = [];
    const urls: Measured[] = [];
    let readSecond = 0;
    for (let rep = 0; rep < reps; rep++) {
      for (const side of rep % 2 === 0 ? ["folder", "url"] : ["url", "folder"]) {
        if (side === "url") {
          const url = await plan(byUrl, emulator, { app: "by-url" });
          checkNoChanges(url, "plan by URL", n);
          urls.push(url);
          continue;
        }
        // Back to the old access time; the mtime, which the hash cache checks, stays the same.
        for (const path of paths) await utimes(path, old, old);
        const second = await plan(dir, emulator, { imageDir: photos });
        checkNoChanges(second, "second folder plan", n);
        readSecond = Math.max(readSecond, await accessedSince(paths, old));
        warmRuns.push(second);
      }
    }
    const second = summary(warmRuns);
    const url = summary(urls);
    const secondImageBytes = Math.max(...warmRuns.map((s) => s.imageBytes ?? -1));
    const secondImageFiles = Math.max(...warmRuns.map((s) => s.imageFiles ?? -1));
    const firstVsSum = first.wallMs / sha256sum.wallMs;
    const secondVsUrl = second.wallMs / url.wallMs;
    rows.push(
      row("folder: sha256sum over the files", n, sha256sum, `images: ${mb(imageBytes)} MB`),
      row(
        "folder: first plan (hashes every file)",
        n,
        first,
        `${firstVsSum.toFixed(2)}× sha256sum; image bytes read ${mb(first.imageBytes ?? -1)} MB from ${count(first.imageFiles ?? -1)} files; rchar ${mb(first.rchar)} MB`,
      ),
      row(
        "folder: second plan (cache warm)",
        n,
        second,
        `image bytes read ${count(secondImageBytes)} from ${count(secondImageFiles)} files; images with a new access time ${count(readSecond)}; rchar ${mb(second.rchar)} MB`,
      ),
      row(
        "same inputs by URL (JSONL), in sync",
        n,
        url,
        `second folder plan = ${secondVsUrl.toFixed(2)}× this`,
      ),
    );
    const at = n === TARGET_N.folder ? {} : { at: n };
    targets.push(
      {
        target: "folder 100k, app in sync: first plan (hashing every file) vs `sha256sum`",
        measured: `${seconds(first.wallMs)} s vs ${seconds(sha256sum.wallMs)} s (${firstVsSum.toFixed(2)}×)`,
        met: "figure",
        ...at,
      },
      {
        target: "folder 100k: the second plan reads 0 image bytes",
        measured: `${count(secondImageBytes)} bytes from ${count(secondImageFiles)} files (fs hook); ${count(readSecond)} images with a new access time`,
        met: secondImageBytes === 0 && secondImageFiles === 0 && readSecond === 0,
        ...at,
      },
      {
        target: "folder 100k: the second plan ≤ 1.2× a plan of the same inputs by URL",
        measured: `${seconds(second.wallMs)} s vs ${seconds(url.wallMs)} s (${secondVsUrl.toFixed(2)}×)`,
        met: secondVsUrl <= 1.2,
        ...at,
      },
    );
  } finally {
    await emulator.close();
  }
}

/** How many of `paths` were read since their access time was set to `old`. */
async function accessedSince(paths: readonly string[], old: Date): Promise<number> {
  let read = 0;
  for (const path of paths) if ((await stat(path)).atimeMs > old.getTime()) read++;
  return read;
}

type Measured = ChildRun & { rchar: number; imageFiles?: number; imageBytes?: number };

/** Medians of wall and CPU, the highest peak RSS. */
function summary(runs: readonly Measured[]): Measured {
  const first = runs[0];
  if (first === undefined) throw new Error("no runs");
  return {
    ...first,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
  };
}

interface MeasureOptions {
  cwd: string;
  what: string;
  env?: Record<string, string>;
  /** Count the files under this directory the child reads, and the bytes (fs-read-hook). */
  imageDir?: string | undefined;
  /** The emulator serving the child, whose CPU time is not "other load". */
  emulator?: EmulatorProcess;
}

/**
 * One measured child, after waiting (within the run's budget) for a quiet machine; records the
 * CPU other processes used meanwhile.
 */
async function measure(args: string[], options: MeasureOptions): Promise<Measured> {
  const { cwd, what, imageDir, emulator } = options;
  const id = Math.random().toString(36).slice(2);
  const ioFile = join(scratch, `io-${id}.json`);
  const readFile_ = join(scratch, `read-${id}.json`);
  await waitForQuiet(quiet);
  const emulatorBefore = (await emulator?.cpuMs()) ?? 0;
  const window = startLoadWindow();
  const run = await runChild({
    args,
    cwd,
    scratch,
    nodeFlags: ["--import", IO_HOOK, ...(imageDir === undefined ? [] : ["--import", READ_HOOK])],
    env: {
      ...options.env,
      BENCH_IO_FILE: ioFile,
      ...(imageDir === undefined ? {} : { BENCH_READ_DIR: imageDir, BENCH_READ_FILE: readFile_ }),
    },
  });
  const emulatorCpuMs = ((await emulator?.cpuMs()) ?? 0) - emulatorBefore;
  otherLoad = Math.max(otherLoad, window.end(run.cpuMs + emulatorCpuMs));
  if (run.exitCode !== 0) {
    problems.push(`${what} exited with ${run.exitCode}: ${lastLines(run.stderr)}`);
  }
  const rchar = (await readJson<{ rchar: number }>(ioFile))?.rchar ?? -1;
  if (imageDir === undefined) return { ...run, rchar };
  const reads = await readHookCounts(readFile_);
  if (reads === undefined) problems.push(`${what}: the read hook wrote nothing`);
  return { ...run, rchar, imageFiles: reads?.files ?? -1, imageBytes: reads?.bytes ?? -1 };
}

/** The read hook's counts of every thread of one run (distinct files, bytes). */
async function readHookCounts(
  mainFile: string,
): Promise<{ files: number; bytes: number } | undefined> {
  const base = basename(mainFile);
  const names = (await readdir(dirname(mainFile))).filter(
    (name) => name === base || name.startsWith(`${base}.thread-`),
  );
  const files = new Set<string>();
  let bytes = 0;
  let found = false;
  for (const name of names) {
    const counts = await readJson<{ files: string[]; bytes: number }>(
      join(dirname(mainFile), name),
    );
    if (counts === undefined) continue;
    found = true;
    for (const file of counts.files) files.add(file);
    bytes += counts.bytes;
  }
  return found ? { files: files.size, bytes } : undefined;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** `dataset plan` in `cwd` against app `app` (default the in-sync one) of `emulator`. */
function plan(
  cwd: string,
  emulator: EmulatorProcess,
  options: { app?: string; imageDir?: string } = {},
): Promise<Measured> {
  // The emulator is a real target to the CLI, capped at 15 requests/s unless lifted (as the
  // plan suite does): a 1M plan would wait ~67 s on the cap alone.
  return measure([BIN, "plan", "dataset.yaml", "--max-rps", "1000000"], {
    cwd,
    what: "dataset plan",
    env: {
      CLARIFAI_API_BASE: emulator.url,
      CLARIFAI_PAT: "bench",
      CLARIFAI_USER_ID: BENCH_USER,
      CLARIFAI_APP_ID: options.app ?? APP,
    },
    imageDir: options.imageDir,
    emulator,
  });
}

async function measureSha256sum(paths: string[], cwd: string): Promise<ChildRun> {
  const list = join(scratch, "files.txt");
  await writeFile(list, `${paths.join("\0")}\0`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn("sh", ["-c", `xargs -0 sha256sum < '${list}' > /dev/null`], {
      cwd,
      stdio: "ignore",
    });
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`sha256sum exited with ${code}`)),
    );
  });
  return {
    wallMs: performance.now() - started,
    maxRssBytes: 0,
    cpuMs: 0,
    exitCode: 0,
    stdout: "",
    stderr: "",
  };
}

/** The floor must have parsed every declared input and streamed every live one. */
function checkFloor(run: ChildRun, what: string, n: number): void {
  if (run.exitCode !== 0) return;
  let out: { parsed?: number; streamed?: number } = {};
  try {
    out = JSON.parse(run.stdout) as typeof out;
  } catch {
    // Reported below.
  }
  if (out.parsed !== n || out.streamed !== n) {
    problems.push(
      `${what}: parsed ${out.parsed} and streamed ${out.streamed} inputs, not ${n}: ${run.stdout.slice(0, 200)}`,
    );
  }
}

function checkNoChanges(run: ChildRun, what: string, n: number): void {
  if (run.exitCode !== 0) return;
  // The count is printed with or without thousands separators.
  const match = /No changes\. The app matches the manifest \(([\d,]+) inputs?\)/.exec(run.stdout);
  if (Number(match?.[1]?.replaceAll(",", "")) !== n) {
    problems.push(`${what}: expected "No changes" for ${n} inputs, got: ${lastLines(run.stdout)}`);
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" / ");
}

function sizeLabel(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function renderSection(): string {
  const m = machine;
  const verdict = (t: Target) => {
    const result = t.met === "figure" ? "figure (no target)" : t.met ? "✅ met" : "❌ missed";
    return t.at === undefined ? result : `${result} at ${sizeLabel(t.at)} (not the target's size)`;
  };
  return [
    "## Sources: JSONL, CSV and a folder (issue 14)",
    "",
    "Generated by bench/sources.ts into bench/sources.md (run on its own, not by `npm run bench`, which",
    "inserts the file here):",
    "",
    "```",
    "npm run build && npx tsc -p tsconfig.bench.json",
    "node dist/bench/sources.js            # JSONL and CSV 1M, folder 100k; writes bench/sources.md",
    "```",
    "",
    "Every plan runs with `--max-rps` lifted (the emulator is a real target to the CLI, capped at 15",
    "requests/s by default). JSONL and CSV: N inputs of bench/gen-manifest.ts (catalog shape) in one file, the app pre-seeded in",
    "sync. The floor is a hand-written script in its own process (bench/baseline-sources.ts) that parses",
    "the same file line by line (the CSV with csv-parse, the most used CSV parser on npm; a second floor,",
    "a figure, reads it with papaparse, the tool's parser), keeping an id → line map, then streams the",
    "app with undici at the same page size, one after the other. Folder: N distinct 256-byte PNG-headed",
    "files in 10 class folders (mtime 2024), app in sync; `sha256sum` over the same files via `xargs -0`;",
    "the second plan runs with the hash cache (`.dataset/cache/`) warm. Image bytes read are counted by",
    "bench/fs-read-hook.ts (files under the folder opened or read through `node:fs`) and, independently,",
    "by the images' access times, reset before each second plan (the first plan must have updated all",
    "of them, or the check reports the access times as untrustworthy). `rchar` is everything the",
    "process read (JS, manifest, cache, sockets). Every plan must answer `No changes` for N inputs and",
    `every floor must parse and stream N. Wall times are medians of ${reps} run${reps === 1 ? "" : "s"} per side, alternated; RSS is the`,
    "highest peak.",
    "",
    `Run of ${m.date}, commit ${m.commit}, ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${((performance.now() - started) / 60_000).toFixed(1)} min; before each measured run it waits (within a budget) for a quiet machine, and the most CPU other processes used during one was ${otherLoad.toFixed(2)} cores.`,
    "",
    "| target | measured | result |",
    "|---|---|---|",
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${verdict(t)} |`),
    "",
    "| scenario | N | wall s | peak RSS MB | note |",
    "|---|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${count(r.n)} | ${r.wallS.toFixed(2)} | ${r.rssMb === undefined ? "—" : r.rssMb.toFixed(0)} | ${r.note} |`,
    ),
    "",
    problems.length === 0
      ? "Checks: every plan answered `No changes` for N inputs, every floor parsed and streamed N: all right."
      : ["Checks FAILED:", ...problems.map((p) => `- ${p}`)].join("\n"),
    "",
  ].join("\n");
}

function row(scenario: string, n: number, run: ChildRun, note: string): Row {
  const rssMb = run.maxRssBytes === 0 ? undefined : run.maxRssBytes / MB;
  return { scenario, n, wallS: run.wallMs / 1000, rssMb, note };
}

// Function declarations, not constants: the top-level awaits above run before this line.
function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
function megabytes(bytes: number): string {
  return String(Math.round(bytes / MB));
}
function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
