/**
 * Shared pieces of the end-to-end tests: an emulator run as a separate `dataset emulator`
 * process, a reader of an app's live inputs over the emulator's HTTP API, and temp dirs holding
 * copies of the fixtures.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { BIN, cleanEnv, runCli } from "../helpers/cli.js";

/** The fixtures of these tests. */
export const FIXTURES = fileURLToPath(new URL("../fixtures/e2e/", import.meta.url));
/** The repository's examples directory (the README quick start's manifest). */
export const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

/** A `dataset emulator` child process. */
export interface EmulatorProcess {
  /** e.g. `http://127.0.0.1:40123`, read from the emulator's "listening on" line. */
  url: string;
  /** The token the emulator requires (it was started with `--pat`). */
  pat: string;
  /** Everything the emulator printed on stderr so far, for failure messages. */
  stderr(): string;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `dataset emulator --port 0 --db DIR/e.db --pat PAT --index-delay-ms 50` and waits for
 * the line that names its URL. `db` overrides the store (e.g. to read the embedded local app's).
 */
export async function startEmulatorProcess(options: {
  dir: string;
  pat: string;
  db?: string;
}): Promise<EmulatorProcess> {
  const db = options.db ?? join(options.dir, "e.db");
  const args = [BIN, "emulator", "--port", "0", "--db", db, "--pat", options.pat];
  args.push("--index-delay-ms", "50");
  const child = spawn(process.execPath, args, {
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error("the emulator did not start within 20 s")),
      20_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on("error", fail);
    child.on("exit", (code) =>
      fail(new Error(`the emulator exited with ${code} before listening`)),
    );
  });
  return { url, pat: options.pat, stderr: () => stderr, stop: () => stopProcess(child) };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** The parts of a live input the tests look at. */
export interface LiveInput {
  id: string;
  url: string | undefined;
  /** `id=value` pairs, sorted. */
  concepts: string[];
  metadata: Record<string, unknown>;
  statusCode: number | undefined;
}

/** Reads every input of `userId/appId` through the emulator's StreamInputs endpoint. */
export async function liveInputs(
  emulator: { url: string; pat: string },
  userId: string,
  appId: string,
): Promise<LiveInput[]> {
  const path = `/v2/users/${userId}/apps/${appId}/inputs/stream?per_page=1000`;
  const response = await fetch(`${emulator.url}${path}`, {
    headers: { authorization: `Key ${emulator.pat}` },
  });
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, checked by the assertions
  const body = (await response.json()) as any;
  if (body?.status?.code !== 10000) throw new Error(`GET ${path}: ${JSON.stringify(body?.status)}`);
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return (body.inputs ?? []).map((input: any) => ({
    id: input.id,
    url: input.data?.image?.url,
    // biome-ignore lint/suspicious/noExplicitAny: as above
    concepts: (input.data?.concepts ?? []).map((c: any) => `${c.id}=${c.value}`).sort(),
    metadata: input.data?.metadata ?? {},
    statusCode: input.status?.code,
  }));
}

/** The ids of `inputs`, sorted. */
export function idsOf(inputs: { id: string }[]): string[] {
  return inputs.map((i) => i.id).sort();
}

/** Temp dirs made by a test file, removed by `cleanup()` in afterAll. */
export function tempDirs(prefix: string) {
  const made: string[] = [];
  return {
    /** A new empty dir under os.tmpdir(). */
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), `dataset-e2e-${prefix}-`));
      made.push(dir);
      return dir;
    },
    /** A new dir holding a copy of `test/fixtures/e2e/catalog` (dataset.yaml, inputs/, images/). */
    catalog(): string {
      const dir = this.make();
      cpSync(join(FIXTURES, "catalog"), dir, { recursive: true });
      return dir;
    },
    cleanup(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rewrites a file in place: `edit` gets its text and returns the new text (which must differ). */
export function editFile(path: string, edit: (text: string) => string): void {
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  if (after === before) throw new Error(`editFile: the edit changed nothing in ${path}`);
  writeFileSync(path, after);
}

/** The env vars that point the CLI at `userId/appId` on `emulator`, as a CI job sets them. */
export function targetEnv(emulator: { url: string; pat: string }, userId: string, appId: string) {
  return {
    CLARIFAI_API_BASE: emulator.url,
    CLARIFAI_PAT: emulator.pat,
    CLARIFAI_USER_ID: userId,
    CLARIFAI_APP_ID: appId,
  };
}

/** The text plan's line for one change, e.g. `  + create   shoe-1` or `  ~ update   shoe-1 (metadata)`. */
export function changeLine(symbol: string, action: string, id: string): RegExp {
  const escaped = symbol.replace(/[+/\-~]/g, (c) => `\\${c}`);
  return new RegExp(`^\\s*${escaped} ${action}\\s+${id}( \\(.*\\))?$`, "m");
}

/** A Node stack frame ("    at fn (file.js:1:2)"), which a user must never see. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** The input ids the catalog fixture declares (dataset.yaml and inputs/bags.yaml), sorted. */
export const CATALOG_IDS = ["bag-1", "bag-2", "hat-1", "red-swatch", "shoe-1", "shoe-2"];

/**
 * The usual setup of an e2e test file: one `dataset emulator` process (started in beforeAll,
 * stopped in afterAll) and the file's temp dirs. `cli` runs the built CLI in `cwd` against app
 * `appId` of `userId` on it; `live` reads that app's inputs over the emulator's HTTP API.
 */
export function useEmulatorProcess(options: { prefix: string; pat: string; userId: string }) {
  const dirs = tempDirs(options.prefix);
  let started: EmulatorProcess | undefined;
  beforeAll(async () => {
    started = await startEmulatorProcess({ dir: dirs.make(), pat: options.pat });
  });
  afterAll(async () => {
    await started?.stop();
    dirs.cleanup();
  });
  const emulator = (): EmulatorProcess => {
    if (started === undefined) throw new Error("the emulator process has not started");
    return started;
  };
  return {
    dirs,
    emulator,
    cli: (appId: string, cwd: string, ...args: string[]) =>
      runCli(args, { cwd, env: targetEnv(emulator(), options.userId, appId) }),
    live: (appId: string) => liveInputs(emulator(), options.userId, appId),
  };
}
