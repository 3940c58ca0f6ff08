import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import type { LoadResult } from "../../src/manifest/load.js";
import { formatProblem } from "../../src/manifest/load.js";

/**
 * Temporary directories, removed after each test. `tree` writes files given by relative path
 * and returns the directory.
 */
export function useTempDirs(): {
  tree(files: Record<string, string | Uint8Array>): Promise<string>;
} {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    async tree(files) {
      const dir = await mkdtemp(join(tmpdir(), "dataset-manifest-"));
      dirs.push(dir);
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      return dir;
    },
  };
}

/** The problems of a failed load, formatted; fails the test if the load succeeded. */
export function problemLines(result: LoadResult): string[] {
  if (result.ok)
    throw new Error(
      `expected problems, got a manifest of ${result.manifest.inputs.toArray().length} inputs`,
    );
  return result.problems.map(formatProblem);
}

/** The manifest of a successful load; fails the test with the problems otherwise. */
export function manifestOf(result: LoadResult) {
  if (!result.ok)
    throw new Error(`expected a manifest, got:\n${result.problems.map(formatProblem).join("\n")}`);
  return result.manifest;
}

/** The smallest valid PNG (1×1, grey): image checks read a file's first bytes. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000" +
    "3a7e9b550000000a49444154789c6360000000020001e221bc330000000049454e44ae426082",
  "hex",
);

/** A distinct valid PNG for each `n` (the same image, with `n` in a trailing chunk-free tail). */
export function pngNumbered(n: number): Buffer {
  return Buffer.concat([PNG, Buffer.from(`#${n}`)]);
}

/** What the source tests compare of each loaded input: id, concepts, metadata and origin. */
export function inputSummaries(result: LoadResult) {
  return manifestOf(result)
    .inputs.toArray()
    .map(({ id, concepts, metadata, origin }) => ({
      id,
      concepts,
      metadata,
      origin,
    }));
}

/** A hash cache file (src/manifest/hash-cache.ts) of these rows: path, size, mtimeMs, sha256, format. */
export function cacheFile(rows: readonly [string, number, number, string, string][]): string {
  const lines = rows.map((row) => `${JSON.stringify(row[0])}\t${row.slice(1).join("\t")}\n`);
  return `dataset file hashes 3\n${lines.join("")}`;
}
