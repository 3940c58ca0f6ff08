/**
 * `dataset validate`, and the manifest mistakes a user makes first (a missing file, a YAML typo),
 * through the built CLI. Nothing here talks to an API.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { FIXTURES, STACK_FRAME, tempDirs } from "./helpers.js";

const dirs = tempDirs("validate");
afterAll(() => dirs.cleanup());

describe("dataset validate", () => {
  it("accepts a good manifest with includes and files, on stdout, exit 0", async () => {
    const r = await runCli(["validate", "dataset.yaml"], { cwd: join(FIXTURES, "catalog") });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^valid: 6 inputs\b/);
    expect(r.stderr).toBe("");
  });

  it("reports every error of a bad manifest with file:line:col and the document path, exit 1", async () => {
    const r = await runCli(["validate", "bad.yaml"], { cwd: FIXTURES });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    const expected: [string, RegExp][] = [
      ["bad.yaml:2:7: name: ", /Bad_Name/],
      ["bad.yaml:6:9: inputs[1].id: ", /not valid!/],
      ["bad.yaml:7:10: inputs[1].url: ", /http/],
      ["bad.yaml:8:9: inputs[2].id: ", /duplicate.*ok-1.*bad\.yaml:4:9/],
      ["bad.yaml:11:27: inputs[2].concepts[0].value: ", /must be 0 or 1/],
      ["bad.yaml:12:5: inputs[3]", /url.*file/],
    ];
    for (const [prefix, detail] of expected) {
      const line = lines.find((l) => l.startsWith(prefix));
      expect(line, `no line starting with ${prefix} in:\n${r.stderr}`).toBeDefined();
      expect(line).toMatch(detail);
    }
    // Every problem line names file:line:col; the last line counts them.
    const problems = lines.filter((l) => /^bad\.yaml:\d+:\d+: /.test(l));
    expect(problems).toHaveLength(expected.length);
    expect(lines.at(-1)).toBe(`${expected.length} errors in bad.yaml`);
    expect(lines).toHaveLength(expected.length + 1);
  });

  it("says a missing manifest is missing, exit 1", async () => {
    const cwd = dirs.make();
    const r = await runCli(["validate", "dataset.yaml"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: manifest not found: dataset\.yaml\b/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe("manifest mistakes on plan and apply", () => {
  it("a missing manifest: one error line that says it is not found, exit 1, nothing contacted", async () => {
    const cwd = dirs.make();
    const runs = [
      ["plan", "dataset.yaml"],
      ["apply", "dataset.yaml", "--yes"],
    ].map((args) => runCli(args, { cwd }));
    for (const r of await Promise.all(runs)) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(STACK_FRAME);
      // Checked before any app is chosen: no embedded local app is started for a missing file.
      expect(r.stderr).not.toMatch(/embedded local app/);
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(/manifest not found: dataset\.yaml/);
    }
  });

  it("a YAML typo: file:line:col of the mistake, exit 1, for validate, plan and apply", async () => {
    const cwd = dirs.make();
    // `concepts` is indented one space less than `url`: line 6, column 4.
    writeFileSync(
      join(cwd, "typo.yaml"),
      "version: 1\nname: typo\ninputs:\n  - id: a\n    url: https://images.example.com/a.jpg\n   concepts: [a]\n",
    );
    const runs = [
      ["validate", "typo.yaml"],
      ["plan", "typo.yaml"],
      ["apply", "typo.yaml", "--yes"],
    ].map((args) => runCli(args, { cwd }));
    for (const r of await Promise.all(runs)) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^typo\.yaml:6:4: .*YAML/m);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stderr).not.toMatch(/embedded local app/);
    }
  });
});
