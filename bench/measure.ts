/**
 * Runs one measured child process: wall time from spawn to exit (taken here), and peak RSS and CPU
 * time as the child itself reports them through ./rusage-hook.ts.
 */
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const HOOK = fileURLToPath(new URL("./rusage-hook.js", import.meta.url));
/**
 * Keep about this much of a child's stdout/stderr, half from its start and half from its end (a
 * plan's text is small; a JSON plan or a plan of 100k creates is not).
 */
const MAX_CAPTURE = 4 * 1024 * 1024;

export interface ChildRun {
  wallMs: number;
  maxRssBytes: number;
  cpuMs: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ChildSpec {
  /** Script and arguments, after `node`. */
  args: string[];
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Where the rusage file goes (a scratch directory). */
  scratch: string;
  /** Killed (SIGKILL) after this long; default 15 minutes. */
  timeoutMs?: number;
}

let runs = 0;

export async function runChild(spec: ChildSpec): Promise<ChildRun> {
  const usageFile = join(spec.scratch, `rusage-${process.pid}-${runs++}.json`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(spec.nodeFlags ?? []), "--import", HOOK, ...spec.args],
    {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, BENCH_RUSAGE_FILE: usageFile, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const capture = (stream: NodeJS.ReadableStream) => {
    // The head and the tail: a plan's summary is its last line, however long the list before it.
    const head: Buffer[] = [];
    let headSize = 0;
    let tail: Buffer[] = [];
    let tailSize = 0;
    stream.on("data", (chunk: Buffer) => {
      if (headSize < MAX_CAPTURE / 2) {
        head.push(chunk);
        headSize += chunk.length;
        return;
      }
      tail.push(chunk);
      tailSize += chunk.length;
      while (tail.length > 1 && tailSize - (tail[0]?.length ?? 0) >= MAX_CAPTURE / 2) {
        tailSize -= tail[0]?.length ?? 0;
        tail = tail.slice(1);
      }
    });
    return () => Buffer.concat([...head, ...tail]).toString("utf8");
  };
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  const timer = setTimeout(() => child.kill("SIGKILL"), spec.timeoutMs ?? 15 * 60_000);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => clearTimeout(timer));
  const wallMs = performance.now() - started;
  let usage = { maxRssKb: 0, userUs: 0, systemUs: 0 };
  try {
    usage = JSON.parse(await readFile(usageFile, "utf8"));
    await rm(usageFile, { force: true });
  } catch {
    // A child killed before its exit handler ran reports nothing; the run fails on its exit code.
  }
  return {
    wallMs,
    maxRssBytes: usage.maxRssKb * 1024,
    cpuMs: (usage.userUs + usage.systemUs) / 1000,
    exitCode,
    stdout: stdout(),
    stderr: stderr(),
  };
}

/** Throws with the child's stderr when it failed. */
export function expectSuccess(run: ChildRun, what: string): ChildRun {
  if (run.exitCode !== 0) {
    throw new Error(`${what} exited with ${run.exitCode}:\n${run.stderr.slice(-4000)}`);
  }
  return run;
}
