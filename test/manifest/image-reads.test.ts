import { createHash, randomBytes } from "node:crypto";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { cacheFile, manifestOf, PNG, pngNumbered, useTempDirs } from "./helpers.js";

// Without an injected hasher a small image is read once, whole: the check sniffs and hashes the
// same bytes. These tests load that way and observe the result through the ids and the cache.

const { tree } = useTempDirs();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const old = new Date("2024-01-01T00:00:00Z");
const FOLDER = "version: 1\nname: pics\nsources:\n  - folder: images\n";

describe("image files read once", () => {
  it("hashes many small files checked at once, each from its own bytes", async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++) files[`images/c${i % 3}/${i}.png`] = pngNumbered(i);
    const dir = await tree({ "dataset.yaml": FOLDER, ...files });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    const ids = manifest.inputs.toArray().map((input) => input.id);
    const expected = Object.values(files).map((bytes) => sha256(bytes).slice(0, 40));
    expect(ids.sort()).toEqual(expected.sort());
  });

  it("streams a file larger than one whole read, with the same sha256", async () => {
    const big = Buffer.concat([PNG, randomBytes(5_000_000)]);
    const dir = await tree({
      "dataset.yaml": "version: 1\nname: big\ninputs:\n  - { id: big, file: big.png }\n",
      "big.png": big,
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(manifest.inputs.toArray()[0]?.image).toMatchObject({
      sha256: sha256(big),
      size: big.length,
    });
  });

  it("trusts the cache for an unchanged path, size and mtime (the file is not read again)", async () => {
    const dir = await tree({ "dataset.yaml": FOLDER, "images/cat/1.png": pngNumbered(1) });
    const image = join(dir, "images/cat/1.png");
    await utimes(image, old, old);
    const first = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(first.inputs.toArray()[0]?.id).toBe(sha256(pngNumbered(1)).slice(0, 40));
    const cache = await readFile(join(dir, ".dataset/cache/file-hashes"), "utf8");
    expect(cache).toBe(
      cacheFile([
        ["images/cat/1.png", pngNumbered(1).length, old.getTime(), sha256(pngNumbered(1)), "PNG"],
      ]),
    );

    // Other bytes, same size and mtime: only a read could tell, and none happens.
    await writeFile(image, pngNumbered(2));
    await utimes(image, old, old);
    const second = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(second.inputs.toArray()[0]?.id).toBe(first.inputs.toArray()[0]?.id);

    // Another mtime: read and hashed again.
    await utimes(image, new Date("2024-02-01"), new Date("2024-02-01"));
    const third = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(third.inputs.toArray()[0]?.id).toBe(sha256(pngNumbered(2)).slice(0, 40));
  });

  it("keys the cache by the path relative to the manifest, however the input names it", async () => {
    const dir = await tree({
      "data/dataset.yaml":
        "version: 1\nname: k\ninputs:\n  - { id: a, file: ./img/../img/a.png }\n  - { id: b, file: img//b.png }\n",
      "data/img/a.png": pngNumbered(1),
      "data/img/b.png": pngNumbered(2),
    });
    for (const name of ["a", "b"]) await utimes(join(dir, `data/img/${name}.png`), old, old);
    manifestOf(await loadManifest("data/dataset.yaml", { cwd: dir }));
    const cache = await readFile(join(dir, "data/.dataset/cache/file-hashes"), "utf8");
    const paths = cache
      .split("\n")
      .slice(1, -1)
      .map((row) => JSON.parse(row.split("\t")[0] ?? ""));
    expect(paths).toEqual(["img/a.png", "img/b.png"]);
  });
});
