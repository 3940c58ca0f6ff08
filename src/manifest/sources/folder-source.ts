/**
 * `folder:` — every image file under a folder is a `file:` input.
 *
 * Ids come from the content: the first 40 hex digits of the file's sha256 (160 bits). Whatever
 * the file names are, the id is valid, and moving a file to another class folder changes its
 * concepts (an update), not its id (no re-upload). Two files with the same content would be one
 * id: that is an error naming both. A changed file is a new id: the old input is no longer
 * declared (`--prune` deletes it).
 */
import { stat } from "node:fs/promises";
import { extname, sep } from "node:path";
import { glob } from "tinyglobby";
import { errorCode } from "../../util/error-code.js";
import { nativePath } from "../../util/native-path.js";
import { mapBounded } from "../../util/pool.js";
import type { ImageFileCheck } from "../files.js";
import type { ImageService } from "../load-context.js";
import type { RawConcept, RawFolderSource, RawInput } from "../raw.js";
import { schemaConceptIdPattern } from "../schema.js";
import type { SkippedFiles, SourceItem, SourceReader, SourceReport } from "./source-reader.js";

/** Hex digits of the sha256 a folder input's id keeps. */
const FOLDER_ID_HEX_DIGITS = 40;

/** Extensions of the image formats the API accepts; other files are skipped (and counted). */
const IMAGE_EXTENSIONS = new Set([
  ".png",
  ".jpg",
  ".jpeg",
  ".gif",
  ".webp",
  ".tif",
  ".tiff",
  ".bmp",
]);

/** Files checked and hashed per step: the walk's list is held, the images never are. */
const STEP = 256;
const HASH_CONCURRENCY = 4;

export function folderReader(
  absPath: string,
  source: RawFolderSource,
  options: { report: SourceReport; images: ImageService; skipped: SkippedFiles },
): SourceReader {
  const { report, images, skipped } = options;
  return {
    baseDir: absPath,
    showPath: () => "",
    // Two files with the same content have the same id: the rules find it, this names it.
    duplicateId: (there) =>
      `same content as ${there} (a folder input's id comes from its content); keep one of them`,
    async *items(): AsyncGenerator<SourceItem> {
      if (!(await isFolder(absPath, report))) return;
      const files = await listImages(absPath, source, skipped);
      const byConcept = conceptOfFolder(source, report);
      // Paths joined as text: the walk's are normalised and `/`-separated.
      const base = absPath.endsWith(sep) ? absPath : absPath + sep;
      const showFile = images.showUnder(absPath);
      for (let start = 0; start < files.length; start += STEP) {
        const step = files.slice(start, start + STEP).filter((path) => byConcept(path) !== null);
        const imagePaths = step.map((path) => base + nativePath(path));
        const checks = await images.checkAll(imagePaths);
        const hashes = await hashesOf(imagePaths, checks, images);
        for (let i = 0; i < step.length; i++) {
          const path = step[i] as string;
          const imagePath = imagePaths[i] as string;
          const shown = showFile(path);
          const check = checks[i];
          const hash = hashes[i];
          if (check === undefined || !check.ok) {
            report.at({ file: shown, line: 0, path: "" }, check?.message ?? "cannot read");
            continue;
          }
          if (hash === undefined) {
            report.at({ file: shown, line: 0, path: "" }, `cannot read ${shown}`);
            continue;
          }
          yield {
            raw: inputOf(path, hash.sha256, byConcept(path) ?? undefined, source),
            origin: shown,
            file: shown,
            line: 0,
            image: { absPath: imagePath, sha256: hash.sha256, size: hash.size },
            // Its id is a slice of the sha256 the index keeps anyway; its path is the walk's.
            ownStrings: true,
          };
        }
      }
    },
  };
}

/**
 * The sha256 and size of each checked image: as its check found it (from the cache, or read
 * whole), else hashed (a few at a time); undefined for a failed check or a file that vanished.
 */
async function hashesOf(
  imagePaths: readonly string[],
  checks: readonly ImageFileCheck[],
  images: ImageService,
): Promise<({ sha256: string; size: number } | undefined)[]> {
  const hashes: ({ sha256: string; size: number } | undefined)[] = new Array(checks.length);
  const toHash: number[] = [];
  checks.forEach((check, i) => {
    if (!check.ok) return;
    if (check.sha256 !== undefined) hashes[i] = { sha256: check.sha256, size: check.size };
    else toHash.push(i);
  });
  const hashed = await mapBounded(toHash, HASH_CONCURRENCY, (i) => {
    const check = checks[i] as Extract<ImageFileCheck, { ok: true }>;
    return images.hash(imagePaths[i] as string, check);
  });
  toHash.forEach((i, at) => {
    hashes[i] = hashed[at];
  });
  return hashes;
}

async function isFolder(absPath: string, report: SourceReport): Promise<boolean> {
  try {
    if ((await stat(absPath)).isDirectory()) return true;
    report.inEntry(["folder"], "not a folder");
  } catch (error) {
    const code = errorCode(error);
    report.inEntry(
      ["folder"],
      code === "ENOENT" || code === "ENOTDIR"
        ? "folder not found"
        : `cannot read the folder (${code ?? String(error)})`,
    );
  }
  return false;
}

/** The image files under the folder, `/`-separated relative paths in code-unit order. */
async function listImages(
  absPath: string,
  source: RawFolderSource,
  skipped: SkippedFiles,
): Promise<string[]> {
  const found = await glob(source.include ?? ["**/*"], {
    cwd: absPath,
    ignore: source.exclude ?? [],
    dot: true,
    onlyFiles: true,
    expandDirectories: false,
  });
  const images: string[] = [];
  for (const path of found.sort()) {
    // A name that starts with "." anywhere in the path: a hidden file, or one in a hidden folder.
    if (path.startsWith(".") || path.includes("/.")) skipped.hidden++;
    else if (!IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) skipped.notImages++;
    else images.push(path);
  }
  return images;
}

/**
 * A file's concept from its first-level subfolder: undefined for a file at the top (or with
 * `concept_from_folder: false`); null for a subfolder whose name is not a valid concept id
 * (reported once, at the source: renaming it is the user's decision, not a silent mapping).
 */
function conceptOfFolder(
  source: RawFolderSource,
  report: SourceReport,
): (path: string) => string | undefined | null {
  if (source.concept_from_folder === false) return () => undefined;
  const valid = schemaConceptIdPattern();
  const seen = new Map<string, boolean>();
  return (path) => {
    const slash = path.indexOf("/");
    if (slash === -1) return undefined;
    const name = path.slice(0, slash);
    let ok = seen.get(name);
    if (ok === undefined) {
      ok = valid.test(name);
      seen.set(name, ok);
      if (!ok) {
        report.inEntry(
          ["folder"],
          `subfolder "${name}" is not a valid concept id (1 to 48 letters, digits, "_" or "-"); rename it, or set concept_from_folder: false`,
        );
      }
    }
    return ok ? name : null;
  };
}

function inputOf(
  path: string,
  sha256: string,
  concept: string | undefined,
  source: RawFolderSource,
): RawInput {
  const concepts: RawConcept[] = concept === undefined ? [] : [concept];
  for (const fixed of source.concepts ?? []) {
    const id = typeof fixed === "string" ? fixed : fixed.id;
    if (id !== concept) concepts.push(fixed);
  }
  return {
    id: sha256.slice(0, FOLDER_ID_HEX_DIGITS),
    file: path,
    ...(concepts.length === 0 ? {} : { concepts }),
    ...(source.metadata === undefined ? {} : { metadata: source.metadata }),
  };
}
