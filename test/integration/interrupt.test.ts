import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../src/api/client.js";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/index.js";
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

/**
 * `dataset apply` run as a user runs it (a child process), stopped part-way by SIGKILL or SIGINT,
 * then run again: the app must end up equal to the manifest, nothing duplicated or lost.
 */
let work: Awaited<ReturnType<typeof tempDir>>;
let em: EmulatorHandle;
beforeAll(async () => {
  work = await tempDir();
  em = await startEmulator({ port: 0, db: ":memory:", indexDelayMs: 50, latencyMs: 40 });
});
afterAll(async () => {
  await em.close();
  await work.cleanup();
});

function targetArgs(appId: string): string[] {
  return [
    "--api-base",
    em.url,
    "--pat",
    "test-token-123",
    "--user-id",
    "u",
    "--app-id",
    appId,
    "--max-rps",
    "1000",
  ];
}

/** Starts `dataset apply` and sends `signal` once the emulator has seen `afterPosts` PostInputs. */
async function applyAndStop(
  manifest: string,
  appId: string,
  signal: NodeJS.Signals,
  afterPosts: number,
) {
  const before = em.stats().endpoints.PostInputs.requests;
  const child = spawn(
    process.execPath,
    [BIN, "apply", manifest, "--yes", "--concurrency", "1", ...targetArgs(appId)],
    {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, sig) => resolve({ code, signal: sig })),
  );
  const deadline = Date.now() + 30_000;
  while (em.stats().endpoints.PostInputs.requests - before < afterPosts && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill(signal);
  const result = await exited;
  return { ...result, stdout };
}

describe("interrupted apply", () => {
  let api: ApiClient;
  afterAll(async () => {
    await api?.close();
  });

  it("after SIGKILL part-way, a second apply converges with nothing duplicated", async () => {
    const path = await writeManifest(`${work.dir}/kill.yaml`, "kill", generatedInputs(5000));
    const killed = await applyAndStop(path, "killed", "SIGKILL", 8);
    expect(killed.signal).toBe("SIGKILL");
    api = clientFor(em.url, { userId: "u", appId: "killed" });
    const partial = (await liveInputs(api)).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(5000);

    const again = await runCli(["apply", path, "--yes", ...targetArgs("killed")]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `Apply complete: ${5000 - partial} created, 0 updated, 0 replaced, 0 deleted; ${5000 - partial} indexed, 0 failed\\.`,
      ),
    );
    await expectAppMatches(api, await mustLoad(path));
    expect(await liveInputs(api)).toHaveLength(5000);
  });

  it("SIGINT finishes the requests in flight, prints what was done and not, exits 130", async () => {
    const path = await writeManifest(`${work.dir}/int.yaml`, "int", generatedInputs(5000));
    const stopped = await applyAndStop(path, "interrupted", "SIGINT", 8);
    expect(stopped.code).toBe(130);
    const head = stopped.stdout.match(
      /Apply interrupted: (\d+) created, 0 updated, 0 replaced, 0 deleted;/,
    );
    expect(head).not.toBeNull();
    const created = Number(head?.[1]);
    expect(stopped.stdout).toMatch(new RegExp(`not done \\(${5000 - created}\\)`));
    const client = clientFor(em.url, { userId: "u", appId: "interrupted" });
    try {
      // What it says it created is exactly what the app holds: requests in flight were finished.
      expect(await liveInputs(client)).toHaveLength(created);
      const again = await runCli(["apply", path, "--yes", ...targetArgs("interrupted")]);
      expect(again.code).toBe(0);
      await expectAppMatches(client, await mustLoad(path));
      expect(await liveInputs(client)).toHaveLength(5000);
    } finally {
      await client.close();
    }
  });
});
