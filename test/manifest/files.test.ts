import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkImageFile } from "../../src/manifest/files.js";
import { loadManifest } from "../../src/manifest/load.js";
import { formatBytes } from "../../src/util/format-bytes.js";
import { mapBounded } from "../../src/util/pool.js";
import { hashFile } from "../../src/util/sha256.js";
import { manifestOf, PNG, problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("file inputs", () => {
  it("hashes by streaming: the sha256 of the bytes, for files larger than one read chunk", async () => {
    const bytes = randomBytes(300_000);
    const dir = await tree({ "big.bin": bytes });
    expect(await hashFile(join(dir, "big.bin"))).toEqual({
      sha256: sha256(bytes),
      size: bytes.length,
    });
  });

  it("resolves files relative to the manifest and records path, size and sha256", async () => {
    const png = Buffer.concat([PNG, randomBytes(512)]);
    const dir = await tree({
      "data/dataset.yaml": [
        "version: 1",
        "name: files",
        "inputs:",
        "  - { id: one, file: images/one.png }",
        "  - { id: again, file: ./images/one.png }",
        "",
      ].join("\n"),
      "data/images/one.png": png,
    });
    const manifest = manifestOf(await loadManifest("data/dataset.yaml", { cwd: dir }));
    expect(manifest.inputs.toArray().map((input) => input.image)).toEqual([
      {
        kind: "file",
        absPath: join(dir, "data/images/one.png"),
        path: "images/one.png",
        sha256: sha256(png),
        size: png.length,
      },
      {
        kind: "file",
        absPath: join(dir, "data/images/one.png"),
        path: "./images/one.png",
        sha256: sha256(png),
        size: png.length,
      },
    ]);
  });

  it("refuses files at or over the size limit, empty files, and missing ones", async () => {
    const dir = await tree({
      "dataset.yaml": [
        "version: 1",
        "name: limits",
        "inputs:",
        "  - { id: small, file: small.png }",
        "  - { id: large, file: large.png }",
        "  - { id: empty, file: empty.png }",
        "  - { id: gone, file: gone.png }",
        "",
      ].join("\n"),
      "small.png": Buffer.concat([PNG, randomBytes(999 - PNG.length)]),
      "large.png": Buffer.concat([PNG, randomBytes(1000 - PNG.length)]),
      "empty.png": "",
    });
    const result = await loadManifest("dataset.yaml", { cwd: dir, imageSizeLimit: 1000 });
    expect(problemLines(result)).toEqual([
      "dataset.yaml:5:24: inputs[1].file: file is 1 kB (1000 bytes); the API accepts images under 1000 bytes: large.png",
      "dataset.yaml:6:24: inputs[2].file: file is empty: empty.png",
      "dataset.yaml:7:23: inputs[3].file: file not found: gone.png",
    ]);
  });

  it("checks a file without the API's 20 MB limit being lowered by default", async () => {
    const result = checkImageFile("/dev/null", {
      sizeLimit: 20_000_000,
      shownPath: "/dev/null",
    });
    expect(result).toEqual({ ok: false, message: "not a regular file: /dev/null" });
  });

  it("formats sizes in the API's decimal units", () => {
    expect(formatBytes(20_000_000)).toBe("20 MB");
    expect(formatBytes(21_500_000)).toBe("21.5 MB");
    expect(formatBytes(999)).toBe("999 bytes");
  });

  it("runs tasks with bounded concurrency, keeping order", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
