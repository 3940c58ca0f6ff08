import { UserError } from "../errors.js";
import { formatProblem, type LoadResult, loadManifest } from "../manifest/load.js";
import type { Manifest } from "../manifest/manifest.js";
import type { CliIO } from "./io.js";

/**
 * Loads a manifest whole (status). Problems are printed one per line on stderr, then a
 * UserError stops the command with exit 1; nothing touches the app.
 */
export async function loadManifestOrFail(path: string, io: CliIO): Promise<Manifest> {
  const result = await loadManifest(path, { cwd: io.cwd });
  if (result.ok) return result.manifest;
  throw reportLoadFailure(result, path, io);
}

/** Prints a failed load's problems on stderr and returns the error that ends the command. */
export function reportLoadFailure(
  result: Extract<LoadResult<unknown>, { ok: false }>,
  path: string,
  io: CliIO,
): UserError {
  if (result.notFound) {
    return new UserError("not-found", `manifest not found: ${path}`, {
      hint: "run from the directory that holds it, or pass its path",
    });
  }
  for (const problem of result.problems) io.err(formatProblem(problem));
  const n = result.problems.length;
  return new UserError(
    "invalid-manifest",
    `${n} ${n === 1 ? "problem" : "problems"} in ${path}; nothing was changed`,
    { hint: `fix them and run \`dataset validate ${path}\`` },
  );
}
