/**
 * `include:` — paths and globs relative to the including file, expanded in sorted order and
 * loaded depth-first. A file reached twice is loaded once; a file that includes itself, directly
 * or not, is a cycle.
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { errorCode } from "../util/error-code.js";
import { isRecord } from "../util/is-record.js";
import type { DocPath } from "./doc-path.js";

type IncludeMatch = { ok: true; files: string[] } | { ok: false; message: string };

/** The files one `include:` entry names, as absolute paths in a deterministic order. */
async function expandInclude(
  entry: string,
  options: { fromDir: string; show: (absPath: string) => string },
): Promise<IncludeMatch> {
  if (isDynamicPattern(entry)) {
    const matches = await glob([entry], {
      cwd: options.fromDir,
      absolute: true,
      onlyFiles: true,
      expandDirectories: false,
    });
    if (matches.length === 0) return { ok: false, message: `no files match "${entry}"` };
    // Code-unit order, not locale order: the same on every machine.
    return { ok: true, files: matches.map((file) => resolve(file)).sort() };
  }
  const absPath = resolve(options.fromDir, entry);
  try {
    const info = await stat(absPath);
    if (!info.isFile())
      return { ok: false, message: `included path is not a file: ${options.show(absPath)}` };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") {
      return { ok: false, message: `included file not found: ${options.show(absPath)}` };
    }
    return {
      ok: false,
      message: `cannot read ${options.show(absPath)} (${code ?? String(error)})`,
    };
  }
  return { ok: true, files: [absPath] };
}

/** A manifest file as the include walk sees it. */
export interface IncludingFile {
  absPath: string;
  /** The parsed document, if the file could be read and parsed. */
  value: unknown;
}

export interface IncludeWalk<F extends IncludingFile> {
  /** Reads, parses and checks one included file. */
  load(absPath: string): Promise<F>;
  /** Records a problem with an `include:` entry of `file`. */
  report(file: F, path: DocPath, message: string): void;
  show(absPath: string): string;
}

/** The root file and every file it includes, transitively, in load order. */
export async function collectIncludedFiles<F extends IncludingFile>(
  root: F,
  walk: IncludeWalk<F>,
): Promise<F[]> {
  const files = [root];
  const loaded = new Set([root.absPath]);
  const visit = async (file: F, chain: readonly string[]): Promise<void> => {
    const include = isRecord(file.value) ? file.value.include : undefined;
    if (!Array.isArray(include)) return;
    for (const [index, entry] of include.entries()) {
      // Anything but a non-empty string is a schema error, reported there.
      if (typeof entry !== "string" || entry === "") continue;
      const match = await expandInclude(entry, { fromDir: dirname(file.absPath), show: walk.show });
      if (!match.ok) {
        walk.report(file, ["include", index], match.message);
        continue;
      }
      for (const absPath of match.files) {
        if (chain.includes(absPath)) {
          const cycle = [...chain, absPath].map(walk.show).join(" -> ");
          walk.report(file, ["include", index], `include cycle: ${cycle}`);
          continue;
        }
        if (loaded.has(absPath)) continue;
        loaded.add(absPath);
        const child = await walk.load(absPath);
        files.push(child);
        await visit(child, [...chain, absPath]);
      }
    }
  };
  await visit(root, [root.absPath]);
  return files;
}
