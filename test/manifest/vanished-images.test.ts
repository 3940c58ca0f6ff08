import { describe, expect, it, vi } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { problemLines, useTempDirs } from "./helpers.js";

// An image can vanish between its check and its hash (another process deletes it); only the hash
// can see that, so this file makes hashing fail for images named `gone*`.
vi.mock("../../src/manifest/files.js", async (importOriginal) => {
  const files = await importOriginal<typeof import("../../src/manifest/files.js")>();
  return {
    ...files,
    hashFile: async (absPath: string) => {
      if (/gone\d*\.png$/.test(absPath)) throw new Error(`ENOENT: ${absPath}`);
      return files.hashFile(absPath);
    },
  };
});

const { tree } = useTempDirs();

describe("images that vanish before they are hashed", () => {
  it("are each reported, in every file, and the load fails", async () => {
    const dir = await tree({
      "dataset.yaml": "version: 1\nname: gone\ninclude: [a.yaml, b.yaml]\ninputs: []\n",
      "a.yaml": "inputs:\n  - id: a\n    file: gone1.png\n  - id: kept\n    file: kept.png\n",
      "b.yaml": "inputs:\n  - id: b\n    file: gone2.png\n",
      "gone1.png": "bytes",
      "gone2.png": "bytes",
      "kept.png": "bytes",
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "a.yaml:3:11: inputs[0].file: cannot read gone1.png",
      "b.yaml:3:11: inputs[0].file: cannot read gone2.png",
    ]);
  });
});
