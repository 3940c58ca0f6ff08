/**
 * The README quick start, as a new user runs it: no credentials anywhere, so `apply` and `plan`
 * use the embedded local app in `.dataset/local` beside the manifest, whatever the working directory.
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import {
  EXAMPLES,
  idsOf,
  liveInputs,
  STACK_FRAME,
  startEmulatorProcess,
  tempDirs,
} from "./helpers.js";

const dirs = tempDirs("local");
afterAll(() => dirs.cleanup());

const EXAMPLE_IDS = ["dog2", "local-sunset", "metro-north", "puppy", "puppy-copy", "wedding"];
const NOTICE = /^Using the embedded local app in examples\/\.dataset\/local\b.*$/gm;
const TARGET =
  "Target: users/local/apps/clarifai-samples on the embedded local app in examples/.dataset/local (no CLARIFAI_PAT or --api-base given; user and app from the defaults (user local, app named after the manifest))";

describe("the embedded local app (no credentials)", () => {
  it("applies examples/dataset.yaml, then plan prints No changes", async () => {
    const cwd = dirs.make();
    cpSync(EXAMPLES, join(cwd, "examples"), { recursive: true });

    const apply = await runCli(["apply", "examples/dataset.yaml", "--yes"], { cwd });
    expect(apply.code, apply.stderr).toBe(0);
    // Said once, on stderr, with a pointer to what to set for a real app.
    expect(apply.stderr.match(NOTICE), apply.stderr).toHaveLength(1);
    expect(apply.stderr).toMatch(/CLARIFAI_PAT/);
    expect(apply.stderr).not.toMatch(STACK_FRAME);
    expect(apply.stdout).not.toMatch(/Using the embedded local app/);
    for (const id of EXAMPLE_IDS)
      expect(apply.stdout).toMatch(new RegExp(`^\\s*\\+ create\\s+${id}\\b`, "m"));
    expect(apply.stdout).toMatch(
      /^Plan: 6 to create, 0 to update, 0 to replace, 0 to delete\. 0 unchanged, 0 unmanaged\.$/m,
    );
    expect(apply.stdout).toMatch(
      /^Apply complete: 6 created, 0 updated, 0 replaced, 0 deleted; 6 indexed, 0 failed\.$/m,
    );
    expect(apply.stdout.trimEnd().split("\n").at(-1)).toBe(TARGET);
    expect(existsSync(join(cwd, "examples/.dataset/local"))).toBe(true);
    expect(existsSync(join(cwd, ".dataset"))).toBe(false);

    const plan = await runCli(["plan", "examples/dataset.yaml"], { cwd });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.trim()).toBe(
      `${TARGET}\nNo changes. The app matches the manifest (6 inputs).`,
    );
    expect(plan.stderr.match(NOTICE)).toHaveLength(1);

    // From the manifest's own folder, the same store is found (not a new one under the cwd).
    const inside = await runCli(["plan", "dataset.yaml", "--format", "json"], {
      cwd: join(cwd, "examples"),
    });
    expect(inside.code, inside.stderr).toBe(0);
    expect(inside.stderr).toMatch(/^Using the embedded local app in \.dataset\/local \(/m);
    const json = JSON.parse(inside.stdout);
    expect(json.summary).toMatchObject({ create: 0, unchanged: 6 });
    expect(json.target).toEqual({
      api_base: "local:.dataset/local",
      user_id: "local",
      app_id: "clarifai-samples",
      local: true,
      source: { api_base: "default", user_id: "default", app_id: "default" },
    });

    const exitcode = await runCli(["plan", "examples/dataset.yaml", "--detailed-exitcode"], {
      cwd,
    });
    expect(exitcode.code, exitcode.stdout).toBe(0);

    // The local app is an emulator store on disk: serve it and read it through the HTTP API.
    const db = join(cwd, "examples/.dataset/local/emulator.db");
    expect(existsSync(db)).toBe(true);
    const served = await startEmulatorProcess({ dir: cwd, db, pat: "any" });
    try {
      const inputs = await liveInputs(served, "local", "clarifai-samples");
      expect(idsOf(inputs)).toEqual(EXAMPLE_IDS);
      expect(
        inputs.every(
          (i) => (i.metadata._dataset as { manifest?: string })?.manifest === "clarifai-samples",
        ),
      ).toBe(true);
    } finally {
      await served.stop();
    }
  });

  it("package.json's bin is the built CLI, so `npx dataset` runs it", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      bin: Record<string, string>;
    };
    const bin = pkg.bin.dataset;
    expect(bin).toBeDefined();
    // `npm test` builds first; the quick start's `npx dataset` runs exactly this file.
    expect(
      existsSync(join(root, bin ?? "")),
      `package.json bin.dataset = ${bin} does not exist`,
    ).toBe(true);
    expect(readFileSync(join(root, bin ?? ""), "utf8")).toMatch(/^#!\/usr\/bin\/env node/);
  });
});
