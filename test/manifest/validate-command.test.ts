import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runValidate } from "../../src/cli/commands/validate.js";
import { captureIO } from "../../src/cli/io.js";
import { useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

describe("dataset validate", () => {
  it("prints the count of inputs and files on stdout and returns 0", async () => {
    const io = captureIO();
    expect(await runValidate("examples/dataset.yaml", io)).toEqual({ kind: "success" });
    expect(io.stdout).toEqual(["valid: 6 inputs (3 manifest files)"]);
    expect(io.stderr).toEqual([]);
  });

  it("prints every problem on stderr, then how many, and returns 1", async () => {
    const io = captureIO();
    const path = "test/fixtures/manifests/bad-concept.yaml";
    expect(await runValidate(path, io)).toEqual({ kind: "failed" });
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([
      `${path}:6:22: inputs[0].concepts[1]: must be 1 to 48 letters, digits, "_" or "-", got "not good"`,
      `${path}:6:34: inputs[0].concepts[2]: must be a concept id or a mapping {id, value}, got 7`,
      `${path}:6:37: inputs[0].concepts[3]: missing required field "id"`,
      `3 errors in ${path}`,
    ]);
  });

  it("says 1 error, and names files relative to the I/O host's working directory", async () => {
    const dir = await tree({ "sub/m.yaml": "version: 1\nname: one\ninputs:\n  - id: x\n" });
    const io = captureIO({ cwd: join(dir, "sub") });
    expect(await runValidate("m.yaml", io)).toEqual({ kind: "failed" });
    expect(io.stderr).toEqual([
      'm.yaml:4:5: inputs[0]: must have exactly one of "url" or "file"',
      "1 error in m.yaml",
    ]);
  });

  it("explains a missing manifest in one line", async () => {
    const io = captureIO();
    expect(await runValidate("no/such/dataset.yaml", io)).toEqual({ kind: "failed" });
    expect(io.stderr).toEqual([
      "error: manifest not found: no/such/dataset.yaml (run from the directory that holds it, or pass its path)",
    ]);
  });
});
