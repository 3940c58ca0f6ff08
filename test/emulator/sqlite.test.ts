/**
 * better-sqlite3 is an optional dependency: opening a store says which step is missing (not
 * installed, or installed without its native module) and passes every other error through.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { openSqlite, SqliteUnavailableError } from "../../src/emulator/sqlite.js";

const realRequire = createRequire(import.meta.url);

/** What Node's require throws for a package that is not in node_modules. */
function notFound(id: string): Error {
  return Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- x.js`), {
    code: "MODULE_NOT_FOUND",
  });
}

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SqliteUnavailableError) return error.reason;
    throw error;
  }
  throw new Error("expected SqliteUnavailableError");
}

describe("openSqlite", () => {
  it("opens a database with the installed better-sqlite3", () => {
    const db = openSqlite(":memory:");
    expect(db.prepare("SELECT 1 + 1 AS two").get()).toEqual({ two: 2 });
    db.close();
  });

  it("reports a missing package as not installed", () => {
    const load = (id: string) => {
      throw notFound(id);
    };
    expect(reasonOf(() => openSqlite(":memory:", load))).toBe("not-installed");
  });

  it("reports a native module that cannot be found or loaded as not built", () => {
    const failingClass = (error: Error) =>
      class {
        constructor() {
          throw error;
        }
      };
    const bindings = new Error("Could not locate the bindings file. Tried:\n → build/x.node");
    expect(reasonOf(() => openSqlite(":memory:", () => failingClass(bindings)))).toBe("not-built");
    const abi = Object.assign(new Error("was compiled against a different Node.js version"), {
      code: "ERR_DLOPEN_FAILED",
    });
    expect(reasonOf(() => openSqlite(":memory:", () => failingClass(abi)))).toBe("not-built");
  });

  it("passes other errors through: a missing dependency of better-sqlite3, a bad path", () => {
    const nested = () => {
      throw notFound("bindings");
    };
    expect(() => openSqlite(":memory:", nested)).toThrow(/Cannot find module 'bindings'/);
    expect(() => openSqlite("/nonexistent-dir/x/y.db", realRequire)).toThrow(
      /unable to open database file|directory does not exist/,
    );
  });
});
