import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HashCache } from "../../src/manifest/hash-cache.js";
import { cacheFile, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();
const NOW = Date.parse("2025-01-01T00:00:00Z");
const MTIME = Date.parse("2024-01-01T00:00:00Z");
const sha = (n: number) => n.toString(16).padStart(64, "0");

async function cacheIn(dir: string): Promise<HashCache> {
  return HashCache.open({ baseDir: dir, cacheDir: join(dir, "cache"), now: () => NOW });
}

async function rowsIn(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, "cache", "file-hashes"), "utf8");
  expect(text.startsWith("dataset file hashes 3\n")).toBe(true);
  return text.split("\n").slice(1, -1);
}

describe("the hash cache file", () => {
  it("finds rows in any order, as sorted rows of the paths used, non-ASCII and quoted ones too", async () => {
    const dir = await tree({});
    const paths = ["b/2.png", "a/1.png", 'q/"quoted".png', "é/ü.png", "a/10.png", "z.png"];
    const first = await cacheIn(dir);
    paths.forEach((path, i) => {
      first.set(join(dir, path), {
        size: i + 1,
        mtimeMs: MTIME + 0.5,
        sha256: sha(i),
        format: "PNG",
      });
    });
    await first.save();
    const rows = await rowsIn(dir);
    expect(rows.map((row) => JSON.parse(row.split("\t")[0] ?? ""))).toEqual([
      "a/1.png",
      "a/10.png",
      "b/2.png",
      'q/"quoted".png',
      "z.png",
      "é/ü.png",
    ]);

    const second = await cacheIn(dir);
    // Backwards, so that every lookup misses the row after the last one found.
    for (const [i, path] of [...paths.entries()].reverse()) {
      expect(second.get(join(dir, path), i + 1, MTIME + 0.5)).toEqual({
        size: i + 1,
        mtimeMs: MTIME + 0.5,
        sha256: sha(i),
        format: "PNG",
      });
    }
    expect(second.get(join(dir, "a/2.png"), 1, MTIME + 0.5)).toBeUndefined();
    // Another size or mtime: not trusted.
    expect(second.get(join(dir, "a/1.png"), 3, MTIME + 0.5)).toBeUndefined();
    expect(second.get(join(dir, "a/1.png"), 2, MTIME)).toBeUndefined();
  });

  it("writes only the rows used, with new rows merged in path order, a rehashed file's row replaced", async () => {
    const dir = await tree({
      "cache/file-hashes": cacheFile([
        ["a.png", 1, MTIME, sha(1), "PNG"],
        ["c.png", 3, MTIME, sha(3), "JPEG"],
        ["e.png", 5, MTIME, sha(5), "GIF"],
        ["g.png", 7, MTIME, sha(7), "PNG"],
      ]),
    });
    const cache = await cacheIn(dir);
    expect(cache.get(join(dir, "a.png"), 1, MTIME)?.sha256).toBe(sha(1));
    expect(cache.get(join(dir, "c.png"), 4, MTIME)).toBeUndefined();
    cache.set(join(dir, "c.png"), { size: 4, mtimeMs: MTIME, sha256: sha(4), format: "PNG" });
    expect(cache.get(join(dir, "g.png"), 7, MTIME)?.format).toBe("PNG");
    cache.set(join(dir, "d.png"), { size: 9, mtimeMs: MTIME, sha256: sha(9), format: "BMP" });
    cache.set(join(dir, "h.png"), { size: 8, mtimeMs: MTIME, sha256: sha(8), format: "TIFF" });
    // Modified just now: its mtime could still hide a change, so it is not recorded.
    cache.set(join(dir, "b.png"), { size: 2, mtimeMs: NOW - 1, sha256: sha(2), format: "PNG" });
    await cache.save();
    expect(await rowsIn(dir)).toEqual([
      `"a.png"\t1\t${MTIME}\t${sha(1)}\tPNG`,
      `"c.png"\t4\t${MTIME}\t${sha(4)}\tPNG`,
      `"d.png"\t9\t${MTIME}\t${sha(9)}\tBMP`,
      `"g.png"\t7\t${MTIME}\t${sha(7)}\tPNG`,
      `"h.png"\t8\t${MTIME}\t${sha(8)}\tTIFF`,
    ]);
  });

  it("does not write an unchanged cache, and drops the rows of files no longer used", async () => {
    const rows: [string, number, number, string, string][] = [
      ["a.png", 1, MTIME, sha(1), "PNG"],
      ["b.png", 2, MTIME, sha(2), "PNG"],
    ];
    const dir = await tree({ "cache/file-hashes": cacheFile(rows) });
    const all = await cacheIn(dir);
    all.get(join(dir, "a.png"), 1, MTIME);
    all.get(join(dir, "b.png"), 2, MTIME);
    await writeFile(join(dir, "cache", "file-hashes"), `${cacheFile(rows)}`);
    const before = await readFile(join(dir, "cache", "file-hashes"));
    await all.save();
    expect(await readFile(join(dir, "cache", "file-hashes"))).toEqual(before);

    const some = await cacheIn(dir);
    some.get(join(dir, "b.png"), 2, MTIME);
    await some.save();
    expect(await rowsIn(dir)).toEqual([`"b.png"\t2\t${MTIME}\t${sha(2)}\tPNG`]);
  });

  it.each([
    ["another version's header", 'dataset file hashes 2\n"a.png"\t1\t0\tx\tPNG\n'],
    ["a truncated row", `${cacheFile([["a.png", 1, MTIME, sha(1), "PNG"]]).slice(0, -1)}`],
    ["a row without fields", 'dataset file hashes 3\n"a.png"\n'],
    [
      "rows out of order",
      cacheFile([
        ["b.png", 1, MTIME, sha(1), "PNG"],
        ["a.png", 1, MTIME, sha(1), "PNG"],
      ]),
    ],
    [
      "a path twice",
      cacheFile([
        ["a.png", 1, MTIME, sha(1), "PNG"],
        ["a.png", 1, MTIME, sha(2), "PNG"],
      ]),
    ],
  ])("trusts nothing of a file with %s, and rebuilds it", async (_, text) => {
    const dir = await tree({ "cache/file-hashes": text });
    const cache = await cacheIn(dir);
    expect(cache.get(join(dir, "a.png"), 1, MTIME)).toBeUndefined();
    await cache.save();
    expect(await rowsIn(dir)).toEqual([]);
  });

  it("ignores a damaged row (a bad sha256 or format) and leaves it out when written", async () => {
    const dir = await tree({
      "cache/file-hashes": cacheFile([
        ["a.png", 1, MTIME, "zz", "PNG"],
        ["b.png", 2, MTIME, sha(2), "SVG"],
        ["c.png", 3, MTIME, sha(3), "PNG"],
      ]),
    });
    const cache = await cacheIn(dir);
    expect(cache.get(join(dir, "a.png"), 1, MTIME)).toBeUndefined();
    expect(cache.get(join(dir, "b.png"), 2, MTIME)).toBeUndefined();
    expect(cache.get(join(dir, "c.png"), 3, MTIME)?.sha256).toBe(sha(3));
    await cache.save();
    expect(await rowsIn(dir)).toEqual([`"c.png"\t3\t${MTIME}\t${sha(3)}\tPNG`]);
  });

  it("removes the former version's file when it writes", async () => {
    const dir = await tree({ "cache/file-hashes.json": '{"version":2,"files":[]}' });
    await mkdir(join(dir, "cache"), { recursive: true });
    const cache = await cacheIn(dir);
    cache.set(join(dir, "a.png"), { size: 1, mtimeMs: MTIME, sha256: sha(1), format: "PNG" });
    await cache.save();
    await expect(readFile(join(dir, "cache", "file-hashes.json"))).rejects.toThrow(/ENOENT/);
    expect(await rowsIn(dir)).toHaveLength(1);
  });
});
