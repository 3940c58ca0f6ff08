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

/**
 * Another place a problem names, e.g. the first declaration of a duplicate id: a path in a
 * manifest file, or a place whose position is known (a row of a source file).
 */
export type Elsewhere = { file: ProblemFile; at: DocPath } | { fixed: SourceLocation };

/** A message, or one that names another place (`file:line:col`), located at the end too. */
export type ProblemMessage = string | ((elsewhere: string) => string);

interface Pending {
  /** The problem's own place: a path in a manifest file, or a known position. */
  own: { file: ProblemFile; at: DocPath; key: boolean } | { fixed: SourceLocation };
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
      own: { file, at, key: options.key ?? false },
      path: formatDocPath(options.shownPath ?? at),
      message,
      elsewhere: options.elsewhere,
    });
  }

  /** A problem at a known position (`path` as shown), possibly naming another place. */
  atFixed(
    place: SourceLocation & { path: string },
    message: ProblemMessage,
    elsewhere?: Elsewhere,
  ): void {
    if (typeof message === "string" && elsewhere === undefined) {
      this.located.push({ ...place, message });
      return;
    }
    const { path, ...fixed } = place;
    this.pending.push({ own: { fixed }, path, message, elsewhere });
  }

  /** Every problem, located, ordered by file (as given), line and column. */
  list(fileOrder: readonly string[]): ManifestProblem[] {
    const locator = new BatchLocator();
    const own = this.pending.map(({ own }) =>
      "fixed" in own ? own.fixed : locator.request(own.file, own.at, own.key),
    );
    const other = this.pending.map(({ elsewhere }) =>
      elsewhere === undefined || "fixed" in elsewhere
        ? elsewhere?.fixed
        : locator.request(elsewhere.file, elsewhere.at, false),
    );
    locator.resolve();
    const placeOf = (where: Ticket | SourceLocation): SourceLocation =>
      "index" in where ? locator.place(where) : where;
    const all = [...this.located];
    this.pending.forEach((problem, i) => {
      const here = own[i];
      const place = here === undefined ? { file: "", line: 0, column: 0 } : placeOf(here);
      const there = other[i];
      const message =
        typeof problem.message === "string"
          ? problem.message
          : problem.message(there === undefined ? "?" : formatPlace(placeOf(there)));
      all.push({ ...place, path: problem.path, message });
    });
    return sortProblems(all, fileOrder);
  }
}

function formatPlace(place: SourceLocation): string {
  if (place.line === 0) return place.file;
  return place.column === 0
    ? `${place.file}:${place.line}`
    : `${place.file}:${place.line}:${place.column}`;
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
