/**
 * What a person sees from `plan` and `apply`, through the built CLI: progress while the app is
 * read (under a pseudo-terminal, and none in plain output), the target named, the warning when a
 * flag overrides the manifest's app, `--compact`, `--no-color`, and unknown flags answered with
 * the flag they most likely mean.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { STACK_FRAME, targetEnv, useEmulatorProcess } from "./helpers.js";

const USER = "e2e-user";
const { dirs, emulator, cli } = useEmulatorProcess({
  prefix: "display",
  pat: "e2e-display-token",
  userId: USER,
});

const PTY = fileURLToPath(new URL("../helpers/stderr-pty.py", import.meta.url));
const CLEAR_LINE = "\r\u001b[2K";

/** `dataset …args` with stderr on a pseudo-terminal and colours allowed (NO_COLOR unset). */
async function onTerminal(cwd: string, env: Record<string, string>, ...args: string[]) {
  const { stdout } = await promisify(execFile)("python3", [PTY, process.execPath, BIN, ...args], {
    cwd,
    env: cleanEnv({ ...env, NO_COLOR: undefined }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { code: number; stdout: string; stderr: string };
}

describe("reading the app", () => {
  it("on a terminal: `Reading the app… N inputs` redrawn in place, cleared before the result", async () => {
    const app = "reading-tty";
    const cwd = dirs.catalog();
    expect((await cli(app, cwd, "apply", "dataset.yaml", "--yes")).code).toBe(0);

    const r = await onTerminal(cwd, targetEnv(emulator(), USER, app), "plan", "dataset.yaml");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${CLEAR_LINE}Reading the app… 6 inputs`);
    // The display's last act is to clear its line: nothing of it is left on the terminal.
    expect(r.stderr.endsWith(CLEAR_LINE)).toBe(true);
    // stdout is a file here: the plan carries no escape codes.
    expect(r.stdout).toMatch(/^Target: users\/e2e-user\/apps\/reading-tty on /);
    expect(r.stdout).toContain("No changes. The app matches the manifest (6 inputs).");
    expect(r.stdout).not.toContain("\u001b");
  });

  it("without a terminal, a short read prints no progress at all", async () => {
    const cwd = dirs.catalog();
    const r = await cli("reading-plain", cwd, "plan", "dataset.yaml");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("Reading the app");
    expect(r.stderr).not.toContain("\u001b");
  });
});

describe("naming the target", () => {
  it("warns in one line on stderr when a flag or env var overrides the manifest's app:", async () => {
    const cwd = dirs.catalog();
    writeFileSync(
      join(cwd, "app.yaml"),
      `version: 1\nname: catalog\napp:\n  user_id: ${USER}\n  app_id: declared\ninputs: []\n`,
    );
    const env = { CLARIFAI_API_BASE: emulator().url, CLARIFAI_PAT: emulator().pat };
    const runs = await Promise.all([
      cli("from-env", cwd, "plan", "app.yaml"),
      cli("unused", cwd, "apply", "app.yaml", "--yes", "--app-id", "from-flag"),
    ]);
    const [viaEnv, viaFlag] = runs;
    expect(viaEnv?.stderr).toContain(
      `Warning: CLARIFAI_APP_ID overrides the manifest's app: users/${USER}/apps/declared; using users/${USER}/apps/from-env.\n`,
    );
    expect(viaFlag?.stderr).toContain(
      `Warning: --app-id overrides the manifest's app: users/${USER}/apps/declared; using users/${USER}/apps/from-flag.\n`,
    );
    expect(viaFlag?.stdout).toMatch(
      /^Target: users\/e2e-user\/apps\/from-flag on .* \(API base from CLARIFAI_API_BASE; user from CLARIFAI_USER_ID; app from --app-id\)$/m,
    );

    // The manifest's own app: no warning, and the plan says where the app came from.
    const own = await promisify(execFile)(process.execPath, [BIN, "plan", "app.yaml"], {
      cwd,
      env: cleanEnv(env),
    });
    expect(own.stderr).not.toContain("Warning");
    expect(own.stdout).toMatch(
      /^Target: users\/e2e-user\/apps\/declared on .* \(API base from CLARIFAI_API_BASE; user and app from the manifest's app:\)$/m,
    );
  });
});

describe("flags", () => {
  it("--compact prints the counts per action, not the changes", async () => {
    const r = await cli("compact", dirs.catalog(), "plan", "dataset.yaml", "--compact");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}\+ create {3}6$/m);
    expect(r.stdout).toMatch(/^Plan: 6 to create, /m);
    expect(r.stdout).not.toMatch(/shoe-1/);

    // apply's printed plan too; the result line and the target follow it.
    const apply = await cli(
      "compact",
      dirs.catalog(),
      "apply",
      "dataset.yaml",
      "--yes",
      "--compact",
    );
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^ {2}\+ create {3}6$/m);
    expect(apply.stdout).not.toMatch(/shoe-1/);
    expect(apply.stdout).toMatch(
      /^Apply complete: 6 created, .*\nTarget: users\/e2e-user\/apps\/compact on /m,
    );
  });

  it("--no-color works as NO_COLOR does, before or after the command", async () => {
    const cwd = dirs.catalog();
    const env = targetEnv(emulator(), USER, "no-color");
    for (const args of [
      ["--no-color", "plan", "dataset.yaml"],
      ["plan", "dataset.yaml", "--no-color"],
    ]) {
      const r = await onTerminal(cwd, env, ...args);
      expect(r.code, r.stderr).toBe(0);
      // No progress display and no colour on the terminal; the plan is complete.
      expect(r.stderr).not.toContain("\u001b");
      expect(r.stdout).toMatch(/^Plan: 6 to create, /m);
    }
  });

  it("an unknown flag: one error line and a hint with the flag it most likely means, exit 1", async () => {
    const cwd = dirs.catalog();
    const cases: [string[], string][] = [
      [["apply", "dataset.yaml", "--auto-approve"], "hint: did you mean --yes?"],
      [["apply", "dataset.yaml", "-auto-approve"], "hint: did you mean --yes?"],
      [
        ["plan", "dataset.yaml", "--dry-run"],
        "hint: `dataset plan <manifest>` shows what apply would do and changes nothing",
      ],
      [["plan", "dataset.yaml", "--formt", "json"], "hint: did you mean --format?"],
      [["plan", "dataset.yaml", "--frobnicate"], "hint: run `dataset plan --help` for usage"],
    ];
    const results = await Promise.all(cases.map(([args]) => cli("flags", cwd, ...args)));
    results.forEach((r, i) => {
      const [args, hint] = cases[i] ?? [[], ""];
      const flag = args.find((a) => a.startsWith("-")) ?? "";
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe(`error: unknown option '${flag}'\n${hint}\n`);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stdout).toBe("");
    });
  });
});
