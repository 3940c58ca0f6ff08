import { open, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";

/** What a command's file argument turned out to be. */
export type Source =
  | { kind: "manifest"; path: string }
  /** JSON with a `format_version`: a plan saved with `dataset plan --out`. */
  | { kind: "saved-plan"; path: string }
  /** `manifest`: the one manifest inside, when there is exactly one. */
  | { kind: "directory"; path: string; manifest: string | undefined }
  | { kind: "missing"; path: string }
  /** It exists but cannot be read (permission, an I/O error). */
  | { kind: "unreadable"; path: string; reason: string };

/** Enough of a file's start to see a JSON plan's `format_version` (it is the first key). */
const HEAD_BYTES = 4096;

/**
 * Tells a manifest from a saved plan by content, not by name: a saved plan is a JSON object with a
 * `format_version` key (YAML accepts JSON too, so a leading `{` alone would not do).
 */
export async function classifySource(path: string, cwd: string): Promise<Source> {
  const absolute = resolve(cwd, path);
  let head: string;
  try {
    if ((await stat(absolute)).isDirectory()) {
      return { kind: "directory", path, manifest: await soleManifestIn(absolute, path) };
    }
    head = await readHead(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing", path };
    return { kind: "unreadable", path, reason: describeFsError(error) };
  }
  return isSavedPlanHead(head) ? { kind: "saved-plan", path } : { kind: "manifest", path };
}

function isSavedPlanHead(head: string): boolean {
  return /^\s*\{/.test(head) && /"format_version"\s*:/.test(head);
}

/** Words for a file-system error a user can act on. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}

async function readHead(absolute: string): Promise<string> {
  const file = await open(absolute, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await file.close();
  }
}

/** The one `*.yaml` / `*.yml` in `dir` with `version:` and `name:` at its top level, if exactly one. */
async function soleManifestIn(dir: string, shownDir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return undefined;
  }
  const manifests: string[] = [];
  for (const name of names) {
    try {
      const head = await readHead(join(dir, name));
      if (/^version:/m.test(head) && /^name:/m.test(head)) manifests.push(name);
    } catch {
      // Unreadable: not a suggestion.
    }
  }
  const only = manifests.length === 1 ? manifests[0] : undefined;
  return only === undefined ? undefined : join(shownDir, only);
}

/**
 * The error for a source that is not a manifest, for `validate` and `plan`; `undefined` for a
 * manifest or a missing file (the loader reads the one and reports the other in its own words).
 */
export function notAManifestError(
  source: Source,
  command: "validate" | "plan",
): UserError | undefined {
  switch (source.kind) {
    case "manifest":
      return undefined;
    case "saved-plan":
      return new UserError(
        "not-a-manifest",
        `${source.path}: this is a saved plan; apply it with: dataset apply ${source.path}`,
      );
    case "directory":
      return new UserError("not-a-manifest", `${source.path} is a directory, not a manifest`, {
        hint:
          source.manifest === undefined
            ? `pass the manifest file itself: dataset ${command} <folder>/<manifest>.yaml`
            : `the manifest inside it is ${source.manifest}: dataset ${command} ${source.manifest}`,
      });
    case "missing":
      return undefined;
    case "unreadable":
      return new UserError("unreadable", `cannot read ${source.path}: ${source.reason}`);
    default: {
      const unreachable: never = source;
      return unreachable;
    }
  }
}
