/**
 * Collects the problems of one load. Problems at document paths are located at the end, in one
 * batch per file: positions deep inside a large document cost a second parse, paid once per file
 * however many problems (or other places that problems name) lie in it.
 */
import type { DocPath } from "./doc-path.js";
import { formatDocPath } from "./doc-path.js";
import type { LocateRequest, YamlDocument } from "./parse-yaml.js";
import { sortProblems } from "./problems.js";
import type { ManifestProblem, SourceLocation } from "./types.js";

/** A file problems can point into. */
export interface ProblemFile {
  /** The file's name as problems show it. */
  shown: string;
  /** Its parsed document; without one, problems concern the whole file (line 0). */
  document: YamlDocument | undefined;
}

/** Another place a problem names, e.g. the first declaration of a duplicate id. */
export interface Elsewhere {
  file: ProblemFile;
  at: DocPath;
}

/** A message, or one that names another place (`file:line:col`), located at the end too. */
export type ProblemMessage = string | ((elsewhere: string) => string);

interface Pending {
  file: ProblemFile;
  at: DocPath;
  key: boolean;
  path: string;
  message: ProblemMessage;
  elsewhere: Elsewhere | undefined;
}

export class ProblemLog {
  private readonly located: ManifestProblem[] = [];
  private readonly pending: Pending[] = [];

  /** The number of problems so far. */
  get size(): number {
    return this.located.length + this.pending.length;
  }

  /** A problem whose position is known (line 0: the file as a whole). */
  add(problem: ManifestProblem): void {
    this.located.push(problem);
  }

  /**
   * A problem at `at` in `file`. `key` points at the mapping key rather than its value;
   * `shownPath` is the path printed, when it differs from where the problem points; a message
   * function is given the `file:line:col` of `elsewhere`.
   */
  at(
    file: ProblemFile,
    at: DocPath,
    message: ProblemMessage,
    options: { key?: boolean; shownPath?: DocPath; elsewhere?: Elsewhere } = {},
  ): void {
    this.pending.push({
      file,
      at,
      key: options.key ?? false,
      path: formatDocPath(options.shownPath ?? at),
      message,
      elsewhere: options.elsewhere,
    });
  }

  /** Every problem, located, ordered by file (as given), line and column. */
  list(fileOrder: readonly string[]): ManifestProblem[] {
    const locator = new BatchLocator();
    const own = this.pending.map((problem) =>
      locator.request(problem.file, problem.at, problem.key),
    );
    const other = this.pending.map((problem) =>
      problem.elsewhere === undefined
        ? undefined
        : locator.request(problem.elsewhere.file, problem.elsewhere.at, false),
    );
    locator.resolve();
    const all = [...this.located];
    this.pending.forEach((problem, i) => {
      const ticket = own[i];
      const { line, column } =
        ticket === undefined ? { line: 0, column: 0 } : locator.position(ticket);
      const there = other[i];
      const message =
        typeof problem.message === "string"
          ? problem.message
          : problem.message(there === undefined ? "?" : formatPlace(locator.place(there)));
      all.push({ file: problem.file.shown, line, column, path: problem.path, message });
    });
    return sortProblems(all, fileOrder);
  }
}

function formatPlace(place: SourceLocation): string {
  return `${place.file}:${place.line}:${place.column}`;
}

interface Ticket {
  file: ProblemFile;
  index: number;
}

/** Positions asked for first, then found with one `locateAll` per file. */
class BatchLocator {
  private readonly requests = new Map<ProblemFile, LocateRequest[]>();
  private readonly found = new Map<ProblemFile, { line: number; column: number }[]>();

  request(file: ProblemFile, path: DocPath, key: boolean): Ticket {
    const list = this.requests.get(file) ?? [];
    list.push({ path, key });
    this.requests.set(file, list);
    return { file, index: list.length - 1 };
  }

  resolve(): void {
    for (const [file, list] of this.requests) {
      const positions = file.document?.locateAll(list);
      if (positions !== undefined) this.found.set(file, positions);
    }
  }

  position(ticket: Ticket): { line: number; column: number } {
    return this.found.get(ticket.file)?.[ticket.index] ?? { line: 0, column: 0 };
  }

  place(ticket: Ticket): SourceLocation {
    return { file: ticket.file.shown, ...this.position(ticket) };
  }
}
