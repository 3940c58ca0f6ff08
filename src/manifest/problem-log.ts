/**
 * Collects the problems of one load. Problems at document paths are located at the end, in one
 * batch per file: positions deep inside a large document cost a second parse, paid once.
 */
import type { DocPath } from "./doc-path.js";
import { formatDocPath } from "./doc-path.js";
import type { YamlDocument } from "./parse-yaml.js";
import { sortProblems } from "./problems.js";
import type { ManifestProblem } from "./types.js";

/** A file problems can point into. */
export interface ProblemFile {
  /** The file's name as problems show it. */
  shown: string;
  /** Its parsed document; without one, problems concern the whole file (line 0). */
  document: YamlDocument | undefined;
}

interface Pending {
  at: DocPath;
  key: boolean;
  path: string;
  message: string;
}

export class ProblemLog {
  private readonly located: ManifestProblem[] = [];
  private readonly pending = new Map<ProblemFile, Pending[]>();
  private count = 0;

  /** The number of problems so far. */
  get size(): number {
    return this.count;
  }

  /** A problem whose position is known (line 0: the file as a whole). */
  add(problem: ManifestProblem): void {
    this.located.push(problem);
    this.count += 1;
  }

  /**
   * A problem at `at` in `file`. `key` points at the mapping key rather than its value;
   * `shownPath` is the path printed, when it differs from where the problem points.
   */
  at(
    file: ProblemFile,
    at: DocPath,
    message: string,
    options: { key?: boolean; shownPath?: DocPath } = {},
  ): void {
    const list = this.pending.get(file) ?? [];
    list.push({
      at,
      key: options.key ?? false,
      path: formatDocPath(options.shownPath ?? at),
      message,
    });
    this.pending.set(file, list);
    this.count += 1;
  }

  /** Every problem, located, ordered by file (as given), line and column. */
  list(fileOrder: readonly string[]): ManifestProblem[] {
    const all = [...this.located];
    for (const [file, list] of this.pending) {
      const positions = file.document?.locateAll(list.map(({ at, key }) => ({ path: at, key })));
      list.forEach((problem, i) => {
        const { line, column } = positions?.[i] ?? { line: 0, column: 0 };
        all.push({ file: file.shown, line, column, path: problem.path, message: problem.message });
      });
    }
    return sortProblems(all, fileOrder);
  }
}
