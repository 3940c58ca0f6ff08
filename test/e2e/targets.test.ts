/**
 * The target mistakes a user makes first, through the built CLI: a real API base without a token,
 * a wrong token, an API base nobody listens on. Each must end in one clear error line (plus an
 * optional hint), exit 1, no stack trace, and never print the token.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, runCli } from "../helpers/cli.js";
import { liveInputs, useEmulatorProcess } from "./helpers.js";

const USER = "e2e-user";
const PAT = "e2e-targets-right-token";
const WRONG = "wrong-token-0123456789abcdef";

const { dirs, emulator } = useEmulatorProcess({ prefix: "targets", pat: PAT, userId: USER });

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** One `error:` line, at most a `hint:` line after it, nothing else on stderr; exit 1. */
function expectOneClearError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines[0], r.stderr).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^hint: /);
}

describe("mistakes about the target", () => {
  it("a real API base without a token: says a PAT is needed and how to give one", async () => {
    const cwd = dirs.catalog();
    const flags = ["--api-base", emulator().url, "--user-id", USER, "--app-id", "no-pat"];
    const runs = [
      ["plan", "dataset.yaml"],
      ["apply", "dataset.yaml", "--yes"],
    ].map((args) => runCli([...args, ...flags], { cwd }));
    for (const r of await Promise.all(runs)) {
      expectOneClearError(r, /token|PAT/i);
      expect(r.stderr).toMatch(/CLARIFAI_PAT|--pat/);
      expect(r.stdout).toBe("");
    }
  });

  it("a wrong token: one clear error naming the token as the problem, exit 1, the token never printed", async () => {
    const cwd = dirs.catalog();
    const env = {
      CLARIFAI_API_BASE: emulator().url,
      CLARIFAI_USER_ID: USER,
      CLARIFAI_APP_ID: "wrong-token",
    };
    const viaEnv = runCli(["plan", "dataset.yaml"], { cwd, env: { ...env, CLARIFAI_PAT: WRONG } });
    const viaFlag = runCli(["apply", "dataset.yaml", "--yes", "--pat", WRONG], { cwd, env });
    for (const r of await Promise.all([viaEnv, viaFlag])) {
      expectOneClearError(r, /key|token|PAT|401/i);
      expect(r.stderr).toMatch(/token|PAT/i);
      expect(r.stdout + r.stderr).not.toContain(WRONG);
      expect(r.stdout).toBe("");
    }
    expect(await liveInputs(emulator(), USER, "wrong-token")).toEqual([]);
  });

  it("an unreachable API base: one clear error naming the address, exit 1", async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(["plan", "dataset.yaml"], {
      cwd: dirs.catalog(),
      env: {
        CLARIFAI_API_BASE: base,
        CLARIFAI_PAT: PAT,
        CLARIFAI_USER_ID: USER,
        CLARIFAI_APP_ID: "a",
      },
    });
    expectOneClearError(r, new RegExp(base.replace(/[.:/]/g, "\\$&")));
    expect(r.stderr).not.toContain(PAT);
    expect(r.stdout).toBe("");
  });

  it("a token from the environment is not echoed in a successful plan, nor saved in the plan file", async () => {
    const cwd = dirs.catalog();
    const r = await runCli(["plan", "dataset.yaml", "--format", "json", "--out", "plan.json"], {
      cwd,
      env: {
        CLARIFAI_API_BASE: emulator().url,
        CLARIFAI_PAT: PAT,
        CLARIFAI_USER_ID: USER,
        CLARIFAI_APP_ID: "quiet",
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PAT);
    expect(readFileSync(join(cwd, "plan.json"), "utf8")).not.toContain(PAT);
  });
});

describe("the manifest loads while the app is read (on a worker thread)", () => {
  /** A root manifest that is fine and an included part with a problem deep inside it. */
  function brokenPart(cwd: string): void {
    const inputs = Array.from(
      { length: 3000 },
      (_, i) => `  - { id: p${i}, url: "https://img.example.com/${i}.jpg", concepts: [cat] }`,
    );
    inputs.push("  - { id: bad id, url: https://img.example.com/x.jpg }");
    writeFileSync(join(cwd, "broken.yaml"), "version: 1\nname: broken\ninclude: [part.yaml]\n");
    writeFileSync(join(cwd, "part.yaml"), `inputs:\n${inputs.join("\n")}\n`);
  }

  it("reports the manifest's problems, not the target's, when both are wrong", async () => {
    const cwd = dirs.catalog();
    brokenPart(cwd);
    const base = `http://127.0.0.1:${await closedPort()}`;
    const env = { CLARIFAI_USER_ID: USER, CLARIFAI_APP_ID: "a" };
    const unreachable = runCli(["plan", "broken.yaml"], {
      cwd,
      env: { ...env, CLARIFAI_API_BASE: base, CLARIFAI_PAT: PAT },
    });
    const wrongToken = runCli(["apply", "broken.yaml", "--yes"], {
      cwd,
      env: { ...env, CLARIFAI_API_BASE: emulator().url, CLARIFAI_PAT: WRONG },
    });
    const noToken = runCli(["plan", "broken.yaml"], {
      cwd,
      env: { ...env, CLARIFAI_API_BASE: emulator().url },
    });
    for (const r of await Promise.all([unreachable, wrongToken, noToken])) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^part\.yaml:3002:\d+: inputs\[3000\]\.id: /m);
      expect(r.stderr).toMatch(/^error: 1 problem in broken\.yaml; nothing was changed$/m);
      expect(r.stderr).not.toMatch(/refused|cannot reach|token|PAT/i);
      expect(r.stdout).toBe("");
    }
    expect(await liveInputs(emulator(), USER, "a")).toEqual([]);
  });

  it("plans a manifest of several parts to the same answer as the app holds", async () => {
    const cwd = dirs.catalog();
    const part = (from: number) =>
      `inputs:\n${Array.from({ length: 5000 }, (_, i) => `  - { id: q${from + i}, url: "https://img.example.com/q${from + i}.jpg", concepts: [cat, { id: dog, value: 0 }], metadata: { n: ${i}, tags: [a, b] } }`).join("\n")}\n`;
    writeFileSync(
      join(cwd, "parts.yaml"),
      "version: 1\nname: parts\ninclude: [p1.yaml, p2.yaml]\n",
    );
    writeFileSync(join(cwd, "p1.yaml"), part(0));
    writeFileSync(join(cwd, "p2.yaml"), part(5000));
    const env = {
      CLARIFAI_API_BASE: emulator().url,
      CLARIFAI_PAT: PAT,
      CLARIFAI_USER_ID: USER,
      CLARIFAI_APP_ID: "parts",
    };
    const applied = await runCli(["apply", "parts.yaml", "--yes", "--no-wait"], { cwd, env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Apply complete: 10000 created/);
    const again = await runCli(["plan", "parts.yaml", "--detailed-exitcode"], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/No changes\. The app matches the manifest \(10,?000 inputs\)/);
    // One input changed in the second part: exactly one update, found while the parts load.
    writeFileSync(
      join(cwd, "p2.yaml"),
      part(5000).replace('q9999.jpg", concepts: [cat,', 'q9999.jpg", concepts: [bird,'),
    );
    const changed = await runCli(["plan", "parts.yaml", "--format", "json"], { cwd, env });
    expect(changed.code, changed.stderr).toBe(0);
    const plan = JSON.parse(changed.stdout) as {
      summary: Record<string, number>;
      changes: { id: string; action: string }[];
    };
    expect(plan.summary).toMatchObject({ create: 0, update: 1, unchanged: 9999, delete: 0 });
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([["update", "q9999"]]);
  });
});
