/**
 * The confirmation prompt as a user meets it: the built CLI on a pseudo-terminal (python3's pty
 * module drives it), answered with Ctrl-C, Ctrl-D (end of input) or a word.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { STACK_FRAME, targetEnv, useEmulatorProcess } from "./helpers.js";

const PTY_RUN = fileURLToPath(new URL("../helpers/pty_run.py", import.meta.url));
const USER = "e2e-user";
const { dirs, emulator, live } = useEmulatorProcess({
  prefix: "prompt",
  pat: "e2e-prompt-token",
  userId: USER,
});

const PROMPT = "Only 'yes' will be accepted:";
const ANSI_CONTROL = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

/** Runs `dataset apply dataset.yaml` on a terminal for `app`, typing `keys` at the prompt. */
async function applyAtTerminal(app: string, keys: string) {
  const { stdout } = await promisify(execFile)(
    "python3",
    [PTY_RUN, PROMPT, keys, "--", process.execPath, BIN, "apply", "dataset.yaml"],
    { cwd: dirs.catalog(), env: cleanEnv(targetEnv(emulator(), USER, app)) },
  );
  const result = JSON.parse(stdout) as { code: number; typed: boolean; screen: string };
  // What the user reads: without readline's cursor moves.
  return { ...result, screen: result.screen.replace(ANSI_CONTROL, "") };
}

describe("the confirmation prompt on a terminal", () => {
  for (const [what, keys] of [
    ["Ctrl-C", "\\x03"],
    ["Ctrl-D (end of input)", "\\x04"],
  ] as const) {
    it(`${what}: Apply cancelled; nothing was changed., exit 130`, async () => {
      const app = `prompt-${keys.slice(-1)}`;
      const r = await applyAtTerminal(app, keys);
      expect(r.typed).toBe(true);
      expect(r.code).toBe(130);
      // On its own line after the question, and nothing else after it.
      expect(r.screen).toMatch(
        /accepted: \r?\n(\^C|\^D)?\r?\n?Apply cancelled; nothing was changed\.\r?\n$/,
      );
      expect(r.screen).not.toMatch(/internal error/);
      expect(r.screen).not.toMatch(STACK_FRAME);
      expect(await live(app)).toEqual([]);
    });
  }

  it("any answer but yes: Apply cancelled, exit 1", async () => {
    const r = await applyAtTerminal("prompt-no", "no\\r");
    expect(r.code).toBe(1);
    expect(r.screen).toMatch(/Apply cancelled; nothing was changed\.\r?\n$/);
    expect(await live("prompt-no")).toEqual([]);
  });

  it("yes applies", async () => {
    const r = await applyAtTerminal("prompt-yes", "yes\\r");
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toMatch(/Apply complete: 6 created/);
    expect(await live("prompt-yes")).toHaveLength(6);
  });
});
