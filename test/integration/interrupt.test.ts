import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
import type { RequestLogEntry } from "../../src/emulator/stats.js";
import {
  clientFor,
  expectAppMatches,
  generatedInputs,
  liveInputs,
  mustLoad,
  tempDir,
  writeManifest,
} from "../helpers/app.js";
import { BIN, cleanEnv, runCli } from "../helpers/cli.js";
import { type HoldRule, startGateProxy } from "../helpers/gate-proxy.js";
import { tinyPng } from "../helpers/images.js";

/**
 * `dataset apply` (and `plan`) run as a user runs them (a child process), stopped by a signal
 * while one chosen request is held in flight by a proxy, then run again: the report must be
 * true, and the app must end up equal to the manifest, nothing duplicated or lost. The signal is
 * sent when the held request has arrived, never after a delay, and the smallest input counts
 * that still show the behaviour are used: three create batches (257 inputs: 128 + 128 + 1) or two
 * replaced inputs.
 */
let work: Awaited<ReturnType<typeof tempDir>>;
let em: EmulatorHandle;
beforeAll(async () => {
  work = await tempDir();
  em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 0 });
});
afterAll(async () => {
  await em.close();
  await work.cleanup();
});

function targetArgs(apiBase: string, appId: string): string[] {
  return ["--api-base", apiBase, "--pat", "test-token-123", "--user-id", "u", "--app-id", appId];
}

function run(args: string[]): {
  child: ChildProcess;
  done: Promise<Finished>;
  /** Resolves when the CLI has said it was interrupted (it has handled the signal). */
  acknowledged: Promise<void>;
} {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let acknowledge: () => void = () => {};
  const acknowledged = new Promise<void>((resolve) => {
    acknowledge = resolve;
  });
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    if (/^Interrupted/m.test(stderr)) acknowledge();
  });
  const done = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, acknowledged };
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `dataset <args>` through a proxy that holds the request `hold` picks; sends `signal` once
 * that request is in flight, then lets it through. Returns how the CLI ended.
 */
async function stopWhileHeld(
  args: (apiBase: string) => string[],
  hold: HoldRule,
  signal: NodeJS.Signals,
): Promise<Finished> {
  const proxy = await startGateProxy(em.url, hold);
  try {
    const { child, done, acknowledged } = run(args(proxy.url));
    const endedFirst = done.then((f) => {
      throw new Error(`the CLI ended before the request was held:\n${f.stderr}`);
    });
    await Promise.race([proxy.held, endedFirst]);
    endedFirst.catch(() => {});
    child.kill(signal);
    // Let the held request through only once the CLI has handled the signal (or died of it).
    await Promise.race([acknowledged, done]);
    proxy.release();
    return await done;
  } finally {
    await proxy.close();
  }
}

const POSTS: HoldRule = { method: "POST", pathEnds: "/inputs", nth: 2 };

describe("interrupted apply", () => {
  it("after SIGKILL part-way, a second apply converges with nothing duplicated", async () => {
    const path = await writeManifest(`${work.dir}/kill.yaml`, "kill", generatedInputs(257));
    const killed = await stopWhileHeld(
      (base) => ["apply", path, "--yes", "--concurrency", "1", ...targetArgs(base, "killed")],
      POSTS,
      "SIGKILL",
    );
    expect(killed.signal).toBe("SIGKILL");
    const api = clientFor(em.url, { userId: "u", appId: "killed" });
    try {
      // The first batch was written; the held one reaches the app after the CLI died, or not.
      const partial = (await liveInputs(api)).length;
      expect([128, 256]).toContain(partial);
      const again = await runCli(["apply", path, "--yes", ...targetArgs(em.url, "killed")]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        `Apply complete: ${257 - partial} created, 0 updated, 0 replaced, 0 deleted; ${257 - partial} indexed, 0 failed.`,
      );
      await expectAppMatches(api, await mustLoad(path));
      expect(await liveInputs(api)).toHaveLength(257);
    } finally {
      await api.close();
    }
  });

  it("after SIGKILL while files are posted (the API echoes hosted URLs), a second apply converges, each file posted once", async () => {
    const dir = join(work.dir, "kill-files");
    await mkdir(join(dir, "images"), { recursive: true });
    const inputs = [];
    for (let i = 0; i < 129; i++) {
      await writeFile(join(dir, "images", `${i}.png`), tinyPng(i));
      inputs.push({ id: `file-${i}`, file: `images/${i}.png` });
    }
    const path = await writeManifest(join(dir, "dataset.yaml"), "killfiles", inputs);
    const killed = await stopWhileHeld(
      (base) => ["apply", path, "--yes", "--concurrency", "1", ...targetArgs(base, "killfiles")],
      POSTS,
      "SIGKILL",
    );
    expect(killed.signal).toBe("SIGKILL");
    const again = await runCli(["apply", path, "--yes", ...targetArgs(em.url, "killfiles")]);
    expect(again.code, again.stderr).toBe(0);
    const planned = await runCli(["plan", path, ...targetArgs(em.url, "killfiles")]);
    expect(planned.stdout).toContain("No changes. The app matches the manifest (129 inputs).");

    const log = (await (await fetch(`${em.url}/_emulator/requests`)).json()) as RequestLogEntry[];
    const ours = log.filter((e) => e.path.includes("/apps/killfiles/"));
    const posted = ours
      .filter((e) => e.endpoint === "PostInputs" && e.code === 10000)
      .reduce((sum, e) => sum + (e.batch ?? 0), 0);
    expect(posted).toBe(129);
    expect(
      ours.filter((e) => e.endpoint === "DeleteInputs" || e.endpoint === "DeleteInput"),
    ).toEqual([]);
  });

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} finishes the request in flight, reports what was done and not, exits ${code}`, async () => {
      const appId = `stopped-${signal.toLowerCase()}`;
      const path = await writeManifest(`${work.dir}/${appId}.yaml`, appId, generatedInputs(257));
      const stopped = await stopWhileHeld(
        (base) => ["apply", path, "--yes", "--concurrency", "1", ...targetArgs(base, appId)],
        POSTS,
        signal,
      );
      expect(stopped.code).toBe(code);
      // Both batches sent were written and reported; the third was never started.
      expect(stopped.stdout).toContain(
        "Apply interrupted: 256 created, 0 updated, 0 replaced, 0 deleted; 0 indexed, 0 failed.",
      );
      expect(stopped.stdout).toMatch(/^ {2}not done \(1\): img-00256 \(create\)$/m);
      expect(stopped.stderr).toMatch(/^Interrupted: finishing the requests in flight/m);
      // The wait for indexing never started: no line for it.
      expect(stopped.stderr).not.toMatch(/^indexed:/m);
      const api = clientFor(em.url, { userId: "u", appId });
      try {
        expect(await liveInputs(api)).toHaveLength(256);
        const again = await runCli(["apply", path, "--yes", ...targetArgs(em.url, appId)]);
        expect(again.code).toBe(0);
        await expectAppMatches(api, await mustLoad(path));
      } finally {
        await api.close();
      }
    });
  }

  it("counts replaced inputs deleted but not posted again, and shows no phase that never started", async () => {
    const path = await writeManifest(`${work.dir}/replace.yaml`, "replace", generatedInputs(2));
    const first = await runCli(["apply", path, "--yes", ...targetArgs(em.url, "replace")]);
    expect(first.code).toBe(0);
    await writeManifest(
      path,
      "replace",
      generatedInputs(2, { urlOf: (i) => `https://img.example.com/new/${i}.jpg` }),
    );
    // Hold the confirmation that the deletes went through (ListInputs by ids): the signal comes
    // after the deletes and before any post.
    const stopped = await stopWhileHeld(
      (base) => ["apply", path, "--yes", ...targetArgs(base, "replace")],
      { method: "GET", pathEnds: "/inputs", nth: 1 },
      "SIGINT",
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toContain(
      "Apply interrupted: 0 created, 0 updated, 0 replaced, 0 deleted, 2 deleted but not posted again; 0 indexed, 0 failed.",
    );
    expect(stopped.stdout).toMatch(
      /^ {2}deleted but not posted again \(2\): img-00000 \(replace\), img-00001 \(replace\)$/m,
    );
    expect(stopped.stderr).not.toMatch(/^(created|indexed):/m);
    const api = clientFor(em.url, { userId: "u", appId: "replace" });
    try {
      expect(await liveInputs(api)).toEqual([]);
      const again = await runCli(["apply", path, "--yes", ...targetArgs(em.url, "replace")]);
      expect(again.stdout).toContain("Apply complete: 2 created");
      await expectAppMatches(api, await mustLoad(path));
    } finally {
      await api.close();
    }
  });
});

describe("a signal while reading the app", () => {
  const STREAM: HoldRule = { method: "GET", pathEnds: "/inputs/stream", nth: 1 };

  it("apply exits with one line before anything is written (SIGTERM: 143)", async () => {
    const path = await writeManifest(`${work.dir}/early.yaml`, "early", generatedInputs(3));
    const stopped = await stopWhileHeld(
      (base) => ["apply", path, "--yes", ...targetArgs(base, "early")],
      STREAM,
      "SIGTERM",
    );
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toBe("Interrupted before anything was written; nothing was changed.\n");
    expect(stopped.stdout).toBe("");
    const api = clientFor(em.url, { userId: "u", appId: "early" });
    try {
      expect(await liveInputs(api)).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("plan exits with one line (SIGINT: 130)", async () => {
    const path = await writeManifest(`${work.dir}/early-plan.yaml`, "early", generatedInputs(3));
    const stopped = await stopWhileHeld(
      (base) => ["plan", path, ...targetArgs(base, "early")],
      STREAM,
      "SIGINT",
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toBe("Interrupted while reading the app; no plan was made.\n");
    expect(stopped.stdout).toBe("");
  });
});
