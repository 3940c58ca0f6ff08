import { FAILED, type Outcome, SUCCESS } from "../../errors.js";
import { formatProblem, loadManifestInto } from "../../manifest/load.js";
import { classifySource, notAManifestError } from "../classify-source.js";
import type { CliIO } from "../io.js";

/**
 * `dataset validate <manifest>`: offline schema and semantic checks. Prints
 * `valid: N inputs (M manifest files)`, or every problem on stderr and fails.
 */
export async function runValidate(manifestPath: string, io: CliIO): Promise<Outcome> {
  const notAManifest = notAManifestError(await classifySource(manifestPath, io.cwd), "validate");
  if (notAManifest !== undefined) throw notAManifest;
  // Only counted: validation keeps no inputs.
  let inputs = 0;
  const result = await loadManifestInto(manifestPath, { add: () => inputs++ }, { cwd: io.cwd });
  if (result.ok) {
    const { files, skipped } = result.manifest;
    io.out(`valid: ${plural(inputs, "input")} (${plural(files.length, "manifest file")})`);
    if (skipped !== undefined && skipped.hidden + skipped.notImages > 0) {
      io.err(
        `skipped under folder sources: ${plural(skipped.hidden, "hidden file")}, ${plural(skipped.notImages, "file")} not named as an image`,
      );
    }
    return SUCCESS;
  }
  if (result.notFound) {
    io.err(
      `error: manifest not found: ${manifestPath} (run from the directory that holds it, or pass its path)`,
    );
    return FAILED;
  }
  for (const problem of result.problems) io.err(formatProblem(problem));
  io.err(`${plural(result.problems.length, "error")} in ${manifestPath}`);
  return FAILED;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
