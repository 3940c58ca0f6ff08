/**
 * Opens the emulator's SQLite database through better-sqlite3, loaded on first use. It is an
 * optional dependency (a native module): a plan or apply against a real app never needs it, so
 * the library and the CLI load without it, and only opening a store reports what is missing.
 */
import { createRequire } from "node:module";
import type Database from "better-sqlite3";

/** Why better-sqlite3 cannot be used: absent, or present without its compiled native module. */
export type SqliteUnavailableReason = "not-installed" | "not-built";

/** better-sqlite3 cannot be loaded; `reason` says which step is missing. */
export class SqliteUnavailableError extends Error {
  readonly code = "SQLITE_UNAVAILABLE";
  readonly reason: SqliteUnavailableReason;
  constructor(reason: SqliteUnavailableReason, cause: unknown) {
    super(
      reason === "not-installed"
        ? "better-sqlite3 is not installed"
        : "better-sqlite3 is installed but its native module is not built",
      { cause },
    );
    this.name = "SqliteUnavailableError";
    this.reason = reason;
  }
}

/** How the module is loaded; a parameter so that its absence can be tested. */
export type ModuleLoader = (id: string) => unknown;

const defaultLoader: ModuleLoader = createRequire(import.meta.url);

/**
 * Opens (creating if needed) the database at `path`. Throws `SqliteUnavailableError` when
 * better-sqlite3 is missing or its native module cannot be loaded (better-sqlite3 loads that
 * module only when the first database is opened, so both are checked here).
 */
export function openSqlite(path: string, load: ModuleLoader = defaultLoader): Database.Database {
  let DatabaseClass: typeof Database;
  try {
    DatabaseClass = load("better-sqlite3") as typeof Database;
  } catch (error) {
    if (isModuleNotFound(error)) throw new SqliteUnavailableError("not-installed", error);
    throw error;
  }
  try {
    return new DatabaseClass(path);
  } catch (error) {
    if (isMissingBinding(error)) throw new SqliteUnavailableError("not-built", error);
    throw error;
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") &&
    String((error as Error).message).includes("better-sqlite3")
  );
}

/** The `bindings` package's "not found", or a native module built for another Node.js. */
function isMissingBinding(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = String((error as Error)?.message ?? "");
  return code === "ERR_DLOPEN_FAILED" || message.startsWith("Could not locate the bindings file");
}
