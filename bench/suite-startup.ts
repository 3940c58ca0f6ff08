/**
 * Start-up (issue 16): `node dist/src/cli/bin.js --version` beside bare `node -e 0`, alternated,
 * median of each. Children are spawned directly (no rusage hook: it would add its own import to
 * both sides); the answer of every `--version` run is checked against package.json.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { median, type RunContext, selected } from "./context.js";
import { startLoadWindow, waitForQuiet } from "./machine-load.js";
import type { StartupRow } from "./results.js";

/** Runs per side. */
const STARTUP_RUNS = 21;

export async function runStartupSuite(ctx: RunContext): Promise<StartupRow[]> {
  const id = "startup";
  if (!selected(ctx, id)) return [];
  const { version } = JSON.parse(await readFile(join(ctx.build, "package.json"), "utf8")) as {
    version: string;
  };
  const cli: number[] = [];
  const bare: number[] = [];
  const problems = new Set<string>();
  // Two unmeasured runs of each first: the page cache holds the build afterwards.
  for (let i = 0; i < 2; i++) {
    await timed([ctx.cli, "--version"], ctx.build);
    await timed(["-e", "0"], ctx.build);
  }
  await waitForQuiet(ctx.quiet);
  const window = startLoadWindow();
  const childrenBefore = childrenCpuMs();
  for (let i = 0; i < STARTUP_RUNS; i++) {
    const order = i % 2 === 0 ? (["cli", "bare"] as const) : (["bare", "cli"] as const);
    for (const side of order) {
      if (side === "bare") {
        bare.push((await timed(["-e", "0"], ctx.build)).wallMs);
        continue;
      }
      const run = await timed([ctx.cli, "--version"], ctx.build);
      cli.push(run.wallMs);
      if (run.exitCode !== 0 || run.stdout.trim() !== version) {
        problems.add(
          `${id}: \`dataset --version\` printed ${JSON.stringify(run.stdout.trim())} (exit ${run.exitCode}), not ${version}`,
        );
      }
    }
  }
  const otherLoad = window.end(childrenCpuMs() - childrenBefore);
  const row: StartupRow = {
    runs: STARTUP_RUNS,
    cliMs: median(cli),
    nodeMs: median(bare),
    deltaMs: median(cli) - median(bare),
    otherLoad,
    problems: [...problems],
  };
  ctx.log(
    `${id}: dataset --version ${row.cliMs.toFixed(1)} ms, node -e 0 ${row.nodeMs.toFixed(1)} ms (medians of ${STARTUP_RUNS}); +${row.deltaMs.toFixed(1)} ms`,
  );
  return [row];
}

/** One child `node <args>`, timed from spawn to exit. */
async function timed(
  args: string[],
  cwd: string,
): Promise<{ wallMs: number; exitCode: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "ignore"] });
  let stdout = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
  });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
  return { wallMs: performance.now() - started, exitCode, stdout };
}

/** CPU time of this process's reaped children (cutime + cstime of /proc/self/stat); 0 off Linux. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}
