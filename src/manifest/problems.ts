/** Formatting and ordering of manifest problems. Pure. */
import type { ManifestProblem } from "./types.js";

/**
 * `file:line:col: path: message` — the path is left out when the problem concerns the whole
 * document, `line:col` when it concerns the file itself (line 0: too large, unreadable…), and
 * `col` when only the line is known (column 0: a row of a CSV or JSONL source).
 */
export function formatProblem(problem: ManifestProblem): string {
  const where =
    problem.line === 0
      ? problem.file
      : problem.column === 0
        ? `${problem.file}:${problem.line}`
        : `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path === ""
    ? `${where}: ${problem.message}`
    : `${where}: ${problem.path}: ${problem.message}`;
}

/** Orders problems by file (in the given order), then line, then column; stable otherwise. */
export function sortProblems(
  problems: readonly ManifestProblem[],
  fileOrder: readonly string[],
): ManifestProblem[] {
  const rank = new Map(fileOrder.map((file, index) => [file, index]));
  const fileRank = (file: string): number => rank.get(file) ?? fileOrder.length;
  return [...problems].sort(
    (a, b) => fileRank(a.file) - fileRank(b.file) || a.line - b.line || a.column - b.column,
  );
}
