/**
 * Loading a folder source of many small images (issue 14), without the app: the cold load
 * (no hash cache: every file checked and hashed) and the warm load (cache filled by the cold
 * one) beside `sha256sum` over the same files and a load of as many inputs declared by URL in a
 * JSONL file. Each load runs in its own `node` process and is
 * timed inside it (`loadManifest` only) and from outside (the whole process).
 *
 *   npx tsc -p tsconfig.bench.json
 *   node dist/bench/hash-folder.js [--files N] [--bytes B] [--reps R] [--dir D] [--cpu-prof]
 *
 * Defaults: 20,000 files of 256 bytes in 10 class folders (mtime 2024), 3 reps (medians).
 * `--dir` keeps the folder (made once) for the next run; `--cpu-prof` writes a profile of the
 * last cold and warm load into the current directory.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm, utimes, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifest } from "../src/manifest/load.js";
import { median } from "./context.js";

const SELF = fileURLToPath(import.meta.url);
const PNG_MAGIC = Buffer.from("89504e470d0a1a0a", "hex");
const CLASSES = 10;
const OLD = new Date("2024-01-01T00:00:00Z");

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(argv[at + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`--${name} needs a positive integer`);
    process.exit(1);
  }
  return value;
};

if (argv[0] === "--child") {
  // One load in this process: prints its time (ms) and input count as JSON.
  const dir = argv[1] as string;
  const started = performance.now();
  const result = await loadManifest("dataset.yaml", { cwd: dir });
  const ms = performance.now() - started;
  if (!result.ok) {
    console.error(result.problems.slice(0, 3));
    process.exit(1);
  }
  const cpu = process.cpuUsage();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ ms, cpuMs, n: result.manifest.inputs.size }));
} else {
  await main();
}

async function main(): Promise<void> {
  const files = option("files", 20_000);
  const bytes = option("bytes", 256);
  const reps = option("reps", 3);
  const at = argv.indexOf("--dir");
  const dir =
    at === -1 ? join(tmpdir(), `hash-folder-${files}-${bytes}`) : (argv[at + 1] as string);
  const profile = argv.includes("--cpu-prof");
  if (!existsSync(join(dir, "dataset.yaml"))) await makeFolder(dir, files, bytes);
  const cache = join(dir, ".dataset", "cache");

  const paths = spawnSync("sh", ["-c", "find photos -type f -print0 > .files0"], { cwd: dir });
  if (paths.status !== 0) throw new Error("find failed");
  const rows: Record<string, { inside: number[]; outside: number[]; cpu: number[] }> = {
    "sha256sum (xargs -0)": { inside: [], outside: [], cpu: [] },
    "cold load (no cache)": { inside: [], outside: [], cpu: [] },
    "warm load (cache)": { inside: [], outside: [], cpu: [] },
    "the same inputs by URL (JSONL)": { inside: [], outside: [], cpu: [] },
  };
  for (let rep = 0; rep < reps; rep++) {
    const last = profile && rep === reps - 1;
    let started = performance.now();
    const sum = spawnSync(
      "sh",
      ["-c", "/usr/bin/time -f '%U %S' xargs -0 sha256sum < .files0 > /dev/null"],
      { cwd: dir, encoding: "utf8" },
    );
    if (sum.status !== 0) throw new Error("sha256sum failed");
    rows["sha256sum (xargs -0)"]?.outside.push(performance.now() - started);
    const [user, system] = sum.stderr.trim().split(/\s+/).slice(-2).map(Number);
    rows["sha256sum (xargs -0)"]?.cpu.push(((user ?? 0) + (system ?? 0)) * 1000);

    await rm(cache, { recursive: true, force: true });
    const loads = {
      "cold load (no cache)": dir,
      "warm load (cache)": dir,
      "the same inputs by URL (JSONL)": join(dir, "by-url"),
    };
    for (const [name, loadDir] of Object.entries(loads)) {
      const flags = last ? ["--cpu-prof", `--cpu-prof-name=${name.split(" ")[0]}.cpuprofile`] : [];
      started = performance.now();
      const child = spawnSync(process.execPath, [...flags, SELF, "--child", loadDir], {
        encoding: "utf8",
      });
      const outside = performance.now() - started;
      if (child.status !== 0) throw new Error(`${name} failed:\n${child.stderr}`);
      const { ms, cpuMs, n } = JSON.parse(child.stdout) as { ms: number; cpuMs: number; n: number };
      if (n !== files) throw new Error(`${name}: ${n} inputs, expected ${files}`);
      rows[name]?.inside.push(ms);
      rows[name]?.outside.push(outside);
      rows[name]?.cpu.push(cpuMs);
    }
  }
  console.log(`${files} files of ${bytes} bytes, ${reps} reps (medians), node ${process.version}`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${cpus().length} cores`,
  );
  console.log(
    "| | loadManifest (s) | whole process (s) | CPU user+sys (s) |\n|---|---:|---:|---:|",
  );
  for (const [name, { inside, outside, cpu }] of Object.entries(rows)) {
    const s = (ms: number[]) => (ms.length === 0 ? "—" : (median(ms) / 1000).toFixed(3));
    console.log(`| ${name} | ${s(inside)} | ${s(outside)} | ${s(cpu)} |`);
  }
}

async function makeFolder(dir: string, files: number, bytes: number): Promise<void> {
  for (let c = 0; c < CLASSES; c++) await mkdir(join(dir, "photos", `c${c}`), { recursive: true });
  for (let i = 0; i < files; i++) {
    const body = Buffer.alloc(bytes, 0x20);
    PNG_MAGIC.copy(body);
    body.write(`#${i}`, 8);
    const path = join(dir, "photos", `c${i % CLASSES}`, `${i}.png`);
    await writeFile(path, body);
    await utimes(path, OLD, OLD);
  }
  const lines: string[] = [];
  for (let i = 0; i < files; i++) {
    const id = createHash("sha1").update(String(i)).digest("hex");
    const url = `https://images.example.com/${i}.png`;
    lines.push(JSON.stringify({ id, url, concepts: [`c${i % CLASSES}`] }));
  }
  await mkdir(join(dir, "by-url"), { recursive: true });
  await writeFile(join(dir, "by-url", "inputs.jsonl"), `${lines.join("\n")}\n`);
  await writeFile(
    join(dir, "by-url", "dataset.yaml"),
    "version: 1\nname: bench\nsources:\n  - jsonl: inputs.jsonl\n",
  );
  // Written last: the folder is complete once it is there.
  await writeFile(
    join(dir, "dataset.yaml"),
    "version: 1\nname: bench\nsources:\n  - folder: photos\n",
  );
}
