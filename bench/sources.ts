/**
 * Source benchmarks (issue 14), run on their own:
 *
 *   npm run build && node dist/bench/sources.js [--jsonl N] [--csv N] [--folder N] [--only jsonl,csv,folder]
 *
 * - JSONL and CSV, N inputs (default 1,000,000), app in sync: `dataset plan` beside its floor, a
 *   hand-written script (bench/baseline-sources.ts) that parses the same file line by line and
 *   then streams the app, in the same run. Wall time and peak RSS of each.
 * - Folder of N small images (default 100,000), app in sync: the first plan (hashing every file)
 *   beside `sha256sum` over the same files; the second plan (hash cache warm) with the bytes it
 *   read (`rchar`), beside a plan of the same number of inputs declared by URL in a JSONL file.
 *
 * Prints a markdown table. Memory targets are issue 16's (the compact desired index); this only
 * measures.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiInput } from "../src/api/types.js";
import { ApiLimits } from "../src/api/types.js";
import { seedStore } from "../src/emulator/index.js";
import { sha256Hex } from "../src/util/sha256.js";
import { startEmulatorProcess } from "./emulator-host.js";
import { BENCH_MANIFEST_NAME, BENCH_SEED, BENCH_USER, seedInSync } from "./fixtures.js";
import { type GeneratedInput, generateInputs } from "./gen-manifest.js";
import { type ChildRun, expectSuccess, runChild } from "./measure.js";

const BIN = fileURLToPath(new URL("../src/cli/bin.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./baseline-sources.js", import.meta.url));
const IO_HOOK = fileURLToPath(new URL("./io-hook.js", import.meta.url));
const APP = "sync";

interface Row {
  scenario: string;
  n: number;
  wallS: number;
  rssMb: number;
  note: string;
}

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(argv[at + 1]);
};
const only = argv.includes("--only")
  ? (argv[argv.indexOf("--only") + 1] ?? "").split(",")
  : undefined;
const wants = (kind: string) => only === undefined || only.includes(kind);

const scratch = await mkdtemp(join(tmpdir(), "dataset-bench-sources-"));
const rows: Row[] = [];
try {
  for (const kind of ["jsonl", "csv"] as const) {
    if (wants(kind)) rows.push(...(await tabular(kind, option(kind, 1_000_000))));
  }
  if (wants("folder")) rows.push(...(await folder(option("folder", 100_000))));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
process.stdout.write(
  [
    "| scenario | N | wall (s) | peak RSS (MB) | note |",
    "|---|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.n.toLocaleString("en")} | ${r.wallS.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.note} |`,
    ),
    "",
  ].join("\n"),
);

/** JSONL or CSV of `n` generated inputs, app in sync: the tool's plan and its floor. */
async function tabular(kind: "jsonl" | "csv", n: number): Promise<Row[]> {
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
  try {
    const floor = await measure(
      [
        BASELINE,
        JSON.stringify({
          kind,
          file,
          url: emulator.url,
          userId: BENCH_USER,
          appId: APP,
          perPage: ApiLimits.streamPerPageMax,
        }),
      ],
      dir,
      "floor",
    );
    const tool = await plan(dir, emulator.url);
    expectNoChanges(tool, n);
    return [
      row(`${kind} floor (parse, then stream)`, n, floor, ""),
      row(
        `${kind} \`dataset plan\`, in sync`,
        n,
        tool,
        `${(tool.wallMs / floor.wallMs).toFixed(2)}× the floor`,
      ),
    ];
  } finally {
    await emulator.close();
  }
}

/** A folder of `n` small distinct images in 10 class folders, app in sync. */
async function folder(n: number): Promise<Row[]> {
  const dir = join(scratch, "folder");
  const photos = join(dir, "photos");
  const header = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
  const old = new Date("2024-01-01T00:00:00Z");
  const live: ApiInput[] = [];
  const paths: string[] = [];
  for (let c = 0; c < 10; c++) await mkdir(join(photos, `class${c}`), { recursive: true });
  for (let i = 0; i < n; i++) {
    const path = join(photos, `class${i % 10}`, `img${i}.png`);
    const bytes = Buffer.concat([header, Buffer.from(`image ${i} `.padEnd(240, "."))]);
    await writeFile(path, bytes);
    await utimes(path, old, old);
    paths.push(path);
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
  seedStore(db, { userId: BENCH_USER, appId: APP }, live);

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
  const emulator = await startEmulatorProcess({ db });
  try {
    const first = await plan(dir, emulator.url);
    expectNoChanges(first, n);
    const second = await plan(dir, emulator.url);
    expectNoChanges(second, n);
    await rm(join(dir, ".dataset"), { recursive: true, force: true });
    const cold = await plan(dir, emulator.url);
    const url = await plan(byUrl, emulator.url, "by-url");
    expectNoChanges(url, n);
    const imageBytes = n * (header.length + 240);
    return [
      row("folder: sha256sum over the files", n, sha256sum, ""),
      row(
        "folder: first plan (hashes every file)",
        n,
        first,
        `${(first.wallMs / sha256sum.wallMs).toFixed(2)}× sha256sum; read ${mb(first.rchar)} MB`,
      ),
      row(
        "folder: second plan (cache warm)",
        n,
        second,
        `read ${mb(second.rchar)} MB; a cold plan read ${mb(cold.rchar)} MB (images: ${mb(imageBytes)} MB): ${mb(cold.rchar - second.rchar)} MB of image bytes avoided`,
      ),
      row(
        "same inputs by URL (JSONL), in sync",
        n,
        url,
        `second folder plan = ${(second.wallMs / url.wallMs).toFixed(2)}× this`,
      ),
    ];
  } finally {
    await emulator.close();
  }
}

type Measured = ChildRun & { rchar: number };

async function measure(
  args: string[],
  cwd: string,
  what: string,
  env: Record<string, string> = {},
): Promise<Measured> {
  const ioFile = join(scratch, `io-${Math.random().toString(36).slice(2)}.json`);
  const run = expectSuccess(
    await runChild({
      args,
      cwd,
      scratch,
      nodeFlags: ["--import", IO_HOOK],
      env: { ...env, BENCH_IO_FILE: ioFile },
    }),
    what,
  );
  const rchar = (
    JSON.parse(await readFile(ioFile, "utf8").catch(() => '{"rchar":-1}')) as { rchar: number }
  ).rchar;
  return { ...run, rchar };
}

function plan(cwd: string, url: string, app = APP): Promise<Measured> {
  return measure([BIN, "plan", "dataset.yaml"], cwd, "dataset plan", {
    CLARIFAI_API_BASE: url,
    CLARIFAI_PAT: "bench",
    CLARIFAI_USER_ID: BENCH_USER,
    CLARIFAI_APP_ID: app,
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

function expectNoChanges(run: ChildRun, n: number): void {
  if (
    !run.stdout.includes(
      `No changes. The app matches the manifest (${n.toLocaleString("en")} inputs).`,
    ) &&
    !run.stdout.includes(`(${n} inputs)`)
  ) {
    throw new Error(
      `the plan was not "No changes":\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`,
    );
  }
}

function row(scenario: string, n: number, run: ChildRun, note: string): Row {
  return { scenario, n, wallS: run.wallMs / 1000, rssMb: run.maxRssBytes / 1e6, note };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

async function writeJsonl(file: string, inputs: readonly GeneratedInput[]): Promise<string> {
  const lines = inputs.map((input) => JSON.stringify(input));
  await writeFile(file, `${lines.join("\n")}\n`);
  return `  - jsonl: ${file.split("/").pop()}\n`;
}

/** CSV: one column per concept (1/0/empty) to keep explicit absences; metadata typed. */
async function writeCsv(file: string, inputs: readonly GeneratedInput[]): Promise<string> {
  const concepts = [...new Set(inputs.flatMap((input) => input.concepts.map((c) => c.id)))].sort();
  const keys = ["sku", "split", "category", "price", "dims", "tags"];
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [["id", "url", ...concepts, ...keys].join(",")];
  for (const input of inputs) {
    const values = new Map(input.concepts.map((c) => [c.id, String(c.value)]));
    const meta = input.metadata as Record<string, unknown>;
    lines.push(
      [
        input.id,
        input.url,
        ...concepts.map((id) => values.get(id) ?? ""),
        ...keys.map((key) => {
          const value = meta[key];
          if (value === undefined) return "";
          return quote(typeof value === "string" ? value : JSON.stringify(value));
        }),
      ].join(","),
    );
  }
  await writeFile(file, `${lines.join("\n")}\n`);
  return [
    `  - csv: ${file.split("/").pop()}`,
    "    columns:",
    "      id: id",
    "      url: url",
    `      concept_columns: [${concepts.join(", ")}]`,
    "      metadata: { sku: string, split: string, category: string, price: number, dims: json, tags: json }",
    "",
  ].join("\n");
}
