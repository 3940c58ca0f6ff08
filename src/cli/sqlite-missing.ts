import { SqliteUnavailableError } from "../emulator/sqlite.js";
import { UserError } from "../errors.js";

/**
 * The one-line error for `what` (the emulator, the embedded local app) when better-sqlite3, an
 * optional dependency, is missing: what is missing and the command that adds it. Returns
 * undefined for any other error.
 */
export function sqliteMissingError(what: string, error: unknown): UserError | undefined {
  if (!(error instanceof SqliteUnavailableError)) return undefined;
  const message =
    error.reason === "not-installed"
      ? `${what} needs better-sqlite3, an optional dependency of clarifai-dataset that is not installed; add it with: npm install --save-dev better-sqlite3`
      : `${what} needs better-sqlite3, which is installed but not built (npm skipped its install script); build it with: npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3`;
  return new UserError("missing-dependency", message, { cause: error });
}
