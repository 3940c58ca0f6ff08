import { createHash } from "node:crypto";
import { stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { hashFile } from "../../src/util/sha256.js";
import {
  cacheFile,
  inputSummaries,
  manifestOf,
  PNG,
  pngNumbered,
  problemLines,
  useTempDirs,
} from "./helpers.js";

const { tree } = useTempDirs();
const idOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, 40);

const MANIFEST = (source: string) =>
  `version: 1\nname: pics\ndefaults:\n  concepts: [photo]\nsources:\n  - folder: images\n${source}`;

describe("folder sources", () => {
  it("declares every image under the folder: content-hash ids, the class folder as concept, hidden and other files skipped", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST("    metadata: { from: folder }\n"),
      "images/cat/1.png": pngNumbered(1),
      "images/dog/deeper/2.PNG": pngNumbered(2),
      "images/top.png": pngNumbered(3),
      "images/.hidden.png": pngNumbered(4),
      "images/.git/x.png": pngNumbered(5),
      "images/cat/notes.txt": "not an image",
    });
    const result = await loadManifest("dataset.yaml", { cwd: dir });
    expect(inputSummaries(result)).toEqual([
      {
        id: idOf(pngNumbered(1)),
        concepts: [
          { id: "cat", value: 1 },
          { id: "photo", value: 1 },
        ],
        metadata: { from: "folder" },
        origin: "images/cat/1.png",
      },
      {
        id: idOf(pngNumbered(2)),
        concepts: [
          { id: "dog", value: 1 },
          { id: "photo", value: 1 },
        ],
        metadata: { from: "folder" },
        origin: "images/dog/deeper/2.PNG",
      },
      {
        id: idOf(pngNumbered(3)),
        concepts: [{ id: "photo", value: 1 }],
        metadata: { from: "folder" },
        origin: "images/top.png",
      },
    ]);
    const manifest = manifestOf(result);
    expect(manifest.inputs.toArray()[0]?.image).toMatchObject({
      kind: "file",
      absPath: join(dir, "images/cat/1.png"),
    });
    expect(manifest.skipped).toEqual({ hidden: 2, notImages: 1 });
  });

  it("names each image as other files are named: from the working directory, or absolute for an absolute manifest path", async () => {
    const dir = await tree({
      "data/dataset.yaml":
        "version: 1\nname: pics\nsources:\n  - folder: .\n    include: ['**/*.png']\n",
      "data/cat/1.png": pngNumbered(1),
      "elsewhere/keep": "",
    });
    const origins = async (path: string, cwd: string) =>
      inputSummaries(await loadManifest(path, { cwd, cacheDir: false })).map(
        (input) => input.origin,
      );
    expect(await origins("dataset.yaml", join(dir, "data"))).toEqual(["cat/1.png"]);
    expect(await origins("../data/dataset.yaml", join(dir, "elsewhere"))).toEqual([
      "../data/cat/1.png",
    ]);
    expect(await origins(join(dir, "data/dataset.yaml"), join(dir, "elsewhere"))).toEqual([
      join(dir, "data/cat/1.png"),
    ]);
  });

  it("takes include/exclude globs, fixed concepts, and no folder concept when asked", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(
        "    include: ['**/*.png']\n    exclude: ['dog/**']\n    concept_from_folder: false\n    concepts: [{ id: animal, value: true }]\n",
      ),
      "images/cat/1.png": pngNumbered(1),
      "images/cat/2.jpg": pngNumbered(2),
      "images/dog/3.png": pngNumbered(3),
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(manifest.inputs.toArray().map(({ id, concepts }) => ({ id, concepts }))).toEqual([
      {
        id: idOf(pngNumbered(1)),
        concepts: [
          { id: "animal", value: 1 },
          { id: "photo", value: 1 },
        ],
      },
    ]);
  });

  it("reports same-content files naming both, bad class folder names, and bad images, all at once", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(""),
      "images/cat/a.png": PNG,
      "images/dog/b.png": PNG,
      "images/my cats/c.png": pngNumbered(7),
      "images/cat/text.jpg": "hello, not an image",
      "images/cat/lfs.png": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
      "images/cat/empty.gif": "",
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'dataset.yaml:6:13: sources[0].folder: subfolder "my cats" is not a valid concept id (1 to 48 letters, digits, "_" or "-"); rename it, or set concept_from_folder: false',
      "images/cat/empty.gif: file is empty: images/cat/empty.gif",
      "images/cat/lfs.png: images/cat/lfs.png is a Git LFS pointer, not the image: run `git lfs pull` (in CI, check out with `lfs: true`)",
      "images/cat/text.jpg: not a PNG, JPEG, GIF, WebP, TIFF or BMP image: images/cat/text.jpg",
      "images/dog/b.png: same content as images/cat/a.png (a folder input's id comes from its content); keep one of them",
    ]);
  });

  it("names the first file for each later one with its content, and a declared input's id as a duplicate id", async () => {
    const dir = await tree({
      "dataset.yaml": `version: 1\nname: pics\ninputs:\n  - { id: ${idOf(pngNumbered(2))}, url: "https://x.test/a.png" }\nsources:\n  - folder: images\n`,
      "images/a/1.png": PNG,
      "images/b/1.png": PNG,
      "images/c/1.png": PNG,
      "images/c/2.png": pngNumbered(2),
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "images/b/1.png: same content as images/a/1.png (a folder input's id comes from its content); keep one of them",
      "images/c/1.png: same content as images/a/1.png (a folder input's id comes from its content); keep one of them",
      `images/c/2.png: duplicate input id "${idOf(pngNumbered(2))}" (also declared at dataset.yaml:4:11)`,
    ]);
  });

  it("names both places when two sources declare the same image", async () => {
    const dir = await tree({
      "dataset.yaml": `${MANIFEST("")}  - folder: images/cat\n`,
      "images/cat/a.png": PNG,
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      `images/cat/a.png: duplicate input id "${idOf(PNG)}" (also declared at images/cat/a.png)`,
    ]);
  });

  it("reports a missing folder at the source entry", async () => {
    const dir = await tree({ "dataset.yaml": MANIFEST("") });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:6:13: sources[0].folder: folder not found",
    ]);
  });
});

describe("the hash cache", () => {
  const old = new Date("2024-01-01T00:00:00Z");

  it("lets a second load of an unchanged folder read no image bytes, and notices a changed file", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(""),
      "images/cat/1.png": pngNumbered(1),
      "images/dog/2.png": pngNumbered(2),
    });
    for (const file of ["images/cat/1.png", "images/dog/2.png"]) {
      await utimes(join(dir, file), old, old);
    }
    const hashed: string[] = [];
    const hasher = (absPath: string) => {
      hashed.push(absPath);
      return hashFile(absPath);
    };
    const first = manifestOf(await loadManifest("dataset.yaml", { cwd: dir, hashFile: hasher }));
    expect(hashed).toHaveLength(2);
    hashed.length = 0;
    const second = manifestOf(await loadManifest("dataset.yaml", { cwd: dir, hashFile: hasher }));
    expect(hashed).toEqual([]);
    expect(second.inputs.toArray()).toEqual(first.inputs.toArray());

    // Same size, another mtime: hashed again.
    await utimes(join(dir, "images/dog/2.png"), new Date("2024-02-01"), new Date("2024-02-01"));
    manifestOf(await loadManifest("dataset.yaml", { cwd: dir, hashFile: hasher }));
    expect(hashed).toEqual([join(dir, "images/dog/2.png")]);
  });

  it("rebuilds a corrupt cache instead of trusting it", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(""),
      "images/cat/1.png": pngNumbered(1),
      ".dataset/cache/file-hashes": 'dataset file hashes 3\n"images/cat/1.png"\t1\t2\tzz',
    });
    await utimes(join(dir, "images/cat/1.png"), old, old);
    const hashed: string[] = [];
    const hasher = (absPath: string) => {
      hashed.push(absPath);
      return hashFile(absPath);
    };
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir, hashFile: hasher }));
    expect(manifest.inputs.toArray()[0]?.id).toBe(idOf(pngNumbered(1)));
    expect(hashed).toHaveLength(1);
    hashed.length = 0;
    manifestOf(await loadManifest("dataset.yaml", { cwd: dir, hashFile: hasher }));
    expect(hashed).toEqual([]);
  });

  it("does not trust an entry whose size or mtime differ (a lying cache is ignored)", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(""),
      "images/cat/1.png": pngNumbered(1),
      ".dataset/cache/file-hashes": cacheFile([["images/cat/1.png", 3, 0, "0".repeat(64), "PNG"]]),
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(manifest.inputs.toArray()[0]?.id).toBe(idOf(pngNumbered(1)));
    // The same lie with the file's true size and mtime is believed: the entry was read.
    const { size, mtimeMs } = await stat(join(dir, "images/cat/1.png"));
    await writeFile(
      join(dir, ".dataset/cache/file-hashes"),
      cacheFile([["images/cat/1.png", size, mtimeMs, "0".repeat(64), "PNG"]]),
    );
    const believed = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(believed.inputs.toArray()[0]?.id).toBe("0".repeat(40));
  });
});
