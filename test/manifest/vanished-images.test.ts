import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { hashFile } from "../../src/util/sha256.js";
import { PNG, problemLines, useTempDirs } from "./helpers.js";

// An image can vanish between its check and its hash (another process deletes it); only the hash
// can see that, so the injected hasher fails for images named `gone*`.
const hasher = async (absPath: string) => {
  if (/gone\d*\.png$/.test(absPath)) throw new Error(`ENOENT: ${absPath}`);
  return hashFile(absPath);
};

const { tree } = useTempDirs();

describe("images that vanish before they are hashed", () => {
  it("are each reported, in every file, and the load fails", async () => {
    const dir = await tree({
      "dataset.yaml": "version: 1\nname: gone\ninclude: [a.yaml, b.yaml]\ninputs: []\n",
      "a.yaml": "inputs:\n  - id: a\n    file: gone1.png\n  - id: kept\n    file: kept.png\n",
      "b.yaml": "inputs:\n  - id: b\n    file: gone2.png\n",
      "gone1.png": PNG,
      "gone2.png": PNG,
      "kept.png": PNG,
    });
    const result = await loadManifest("dataset.yaml", { cwd: dir, hashFile: hasher });
    expect(problemLines(result)).toEqual([
      "a.yaml:3:11: inputs[0].file: cannot read gone1.png",
      "b.yaml:3:11: inputs[0].file: cannot read gone2.png",
    ]);
  });
});
