import { describe, expect, it } from "vitest";
import { ApiLimits } from "../../src/api/types.js";
import { loadManifest } from "../../src/manifest/load.js";
import { fileKindOf } from "../../src/util/image-format.js";
import { manifestOf, PNG, problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

const ONE_FILE = "version: 1\nname: one\ninputs:\n  - id: a\n    file: a.img\n";

/** A PNG header padded to exactly `size` bytes. */
const pngOfSize = (size: number) => Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]);

describe("file inputs are checked by their first bytes", () => {
  it.each([
    ["PNG", PNG],
    ["JPEG", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ["GIF", Buffer.from("GIF89a\x01\x00\x01\x00", "latin1")],
    ["WEBP", Buffer.from("RIFF\x1a\x00\x00\x00WEBPVP8 ", "latin1")],
    ["TIFF", Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0])],
    ["TIFF", Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8])],
    ["BMP", Buffer.from("BM\x3a\x00\x00\x00", "latin1")],
  ])("accepts %s", async (format, bytes) => {
    expect(fileKindOf(bytes)).toEqual({ kind: "image", format });
    const dir = await tree({ "dataset.yaml": ONE_FILE, "a.img": bytes });
    expect(manifestOf(await loadManifest("dataset.yaml", { cwd: dir })).inputs.size).toBe(1);
  });

  it("refuses other bytes, and says what to do about a Git LFS pointer", async () => {
    const dir = await tree({
      "dataset.yaml":
        "version: 1\nname: two\ninputs:\n  - { id: a, file: notes.png }\n  - { id: b, file: big.jpg }\n",
      "notes.png": "just some text",
      "big.jpg":
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:4:20: inputs[0].file: not a PNG, JPEG, GIF, WebP, TIFF or BMP image: notes.png",
      "dataset.yaml:5:20: inputs[1].file: big.jpg is a Git LFS pointer, not the image: run `git lfs pull` (in CI, check out with `lfs: true`)",
    ]);
  });
});

describe("the image size limit is ApiLimits.maxImageBytes, exclusive", () => {
  it("is 20,000,000 bytes", () => {
    expect(ApiLimits.maxImageBytes).toBe(20_000_000);
  });

  it("accepts 19,999,999 bytes and refuses exactly 20,000,000", async () => {
    const dir = await tree({
      "dataset.yaml":
        "version: 1\nname: edges\ninputs:\n  - { id: under, file: under.png }\n  - { id: at, file: at.png }\n",
      "under.png": pngOfSize(ApiLimits.maxImageBytes - 1),
      "at.png": pngOfSize(ApiLimits.maxImageBytes),
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:5:21: inputs[1].file: file is 20 MB (20000000 bytes); the API accepts images under 20000000 bytes: at.png",
    ]);
  });
});
