import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  classifySource,
  describeFsError,
  notAManifestError,
} from "../../src/cli/classify-source.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "classify-"));
  await writeFile(join(dir, "plan.out"), '{\n  "format_version": 1,\n  "manifest": {}\n}\n');
  await writeFile(join(dir, "flow.json"), '{"version": 1, "name": "x", "inputs": []}\n');
  await writeFile(join(dir, "m.yaml"), "version: 1\nname: m\ninputs: []\n");
  await mkdir(join(dir, "one"));
  await writeFile(join(dir, "one", "catalog.yaml"), "version: 1\nname: c\ninputs: []\n");
  await writeFile(join(dir, "one", "other.yaml"), "key: value\n");
  await mkdir(join(dir, "two"));
  await writeFile(join(dir, "two", "a.yaml"), "version: 1\nname: a\n");
  await writeFile(join(dir, "two", "b.yml"), "name: b\nversion: 1\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("classifySource", () => {
  it("tells a saved plan by its content, whatever its name, and a JSON-style manifest from it", async () => {
    expect(await classifySource("plan.out", dir)).toEqual({ kind: "saved-plan", path: "plan.out" });
    expect(await classifySource("flow.json", dir)).toEqual({ kind: "manifest", path: "flow.json" });
    expect(await classifySource("m.yaml", dir)).toEqual({ kind: "manifest", path: "m.yaml" });
    expect(await classifySource("nope.yaml", dir)).toEqual({ kind: "missing", path: "nope.yaml" });
  });

  it("suggests the manifest inside a directory only when there is exactly one", async () => {
    expect(await classifySource("one", dir)).toEqual({
      kind: "directory",
      path: "one",
      manifest: join("one", "catalog.yaml"),
    });
    expect(await classifySource("two", dir)).toEqual({
      kind: "directory",
      path: "two",
      manifest: undefined,
    });
  });

  it("reports a path it cannot read as unreadable, saying why", async () => {
    // A symlink loop fails for root too (a permission test would not).
    await symlink(join(dir, "loop-b"), join(dir, "loop-a"));
    await symlink(join(dir, "loop-a"), join(dir, "loop-b"));
    expect(await classifySource("loop-a", dir)).toMatchObject({
      kind: "unreadable",
      reason: expect.stringMatching(/ELOOP|too many symbolic links/i),
    });
    const denied = Object.assign(new Error("EACCES: permission denied, open 'x'"), {
      code: "EACCES",
    });
    expect(describeFsError(denied)).toBe("permission denied");
    expect(describeFsError(Object.assign(new Error("x"), { code: "EISDIR" }))).toBe(
      "it is a directory",
    );
  });

  it("gives validate and plan one clear error for what is not a manifest", async () => {
    expect(notAManifestError({ kind: "saved-plan", path: "p.json" }, "plan")?.message).toBe(
      "p.json: this is a saved plan; apply it with: dataset apply p.json",
    );
    const inDir = notAManifestError(await classifySource("one", dir), "validate");
    expect(inDir?.message).toBe("one is a directory, not a manifest");
    expect(inDir?.hint).toBe(
      `the manifest inside it is one/catalog.yaml: dataset validate one/catalog.yaml`,
    );
    expect(notAManifestError({ kind: "manifest", path: "m.yaml" }, "plan")).toBeUndefined();
  });
});
