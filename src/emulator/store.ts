/**
 * The emulator's durable store: one SQLite database (better-sqlite3, WAL) holding every app's
 * inputs. Synchronous by design — a request's reads and writes run inside one transaction and
 * nothing else can interleave. Streams use keyset pagination on indexed columns; the indexing
 * and deletion workers find their work through partial indexes on due-time columns.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ApiInput, JsonObject } from "../api/types.js";
import { MicrosClock } from "./clock.js";
import type { ImageFacts } from "./image-sniff.js";
import { checkInputId } from "./input-parse.js";
import type { StoredData } from "./patch-rules.js";
import { type InputRow, renderImageInfo, renderRest } from "./render.js";
import { Code } from "./status-codes.js";

/** An app, as the path `/v2/users/{userId}/apps/{appId}` names it. */
export interface AppRef {
  userId: string;
  appId: string;
}

/** A new row for `insertInput`. */
export interface NewInputRow {
  app: number;
  id: string;
  url: string | null;
  rest: string;
  created: number;
  status: number;
  details?: string | null;
  /** When the indexer should next look at it (µs); null when settled. */
  due: number | null;
  /** Sniffed facts of uploaded bytes: JSON of ImageFacts, "none" for non-images; null for URLs. */
  facts: string | null;
  hosted?: string | null;
  info?: string | null;
}

/** A row the indexing worker has to move on. */
export interface DueRow {
  seq: number;
  app: number;
  id: string;
  url: string | null;
  status: number;
  facts: string | null;
  created: number;
}

/** Options for `EmulatorStore.seed`. */
export interface SeedOptions {
  /**
   * The status every seeded input gets: 30000 (indexed, the default), 30001 (pending: the
   * indexing worker picks them up once a server runs on the store) or 30002 (failed).
   */
  status?: 30000 | 30001 | 30002;
  /** Details for seeded failures. */
  details?: string;
}

export interface StreamQuery {
  perPage: number;
  lastId?: string;
  descending: boolean;
  orderById: boolean;
}

export interface ListQuery {
  page: number;
  perPage: number;
  ids?: string[];
  statusCode?: number;
}

const SCHEMA_VERSION = "1";
const COLUMNS = "seq, id, url, rest, created, modified, status, details, hosted, info";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
  app INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  UNIQUE (user_id, app_id)
);
CREATE TABLE IF NOT EXISTS inputs (
  seq INTEGER PRIMARY KEY,   -- creation order
  app INTEGER NOT NULL,
  id TEXT NOT NULL,
  url TEXT,
  rest TEXT NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  status INTEGER NOT NULL,
  details TEXT,
  due INTEGER,
  facts TEXT,
  hosted TEXT,
  info TEXT,
  purge INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS inputs_app_id ON inputs (app, id);
CREATE INDEX IF NOT EXISTS inputs_app_seq ON inputs (app);
CREATE INDEX IF NOT EXISTS inputs_app_status ON inputs (app, status);
CREATE INDEX IF NOT EXISTS inputs_app_url ON inputs (app, url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS inputs_due ON inputs (due) WHERE due IS NOT NULL;
CREATE INDEX IF NOT EXISTS inputs_purge ON inputs (purge) WHERE purge IS NOT NULL;
`;

/** A 32-hex name for an input's hosted copy. */
export function hostedName(app: number, id: string, created: number): string {
  return createHash("md5").update(`${app}/${id}/${created}`).digest("hex");
}

/** Inputs per status across all apps (deleting inputs counted apart). */
export interface StoreTotals {
  total: number;
  byStatus: Record<string, number>;
  deleting: number;
}

export class EmulatorStore {
  readonly db: Database.Database;
  readonly clock = new MicrosClock();
  private readonly appKeys = new Map<string, number>();
  private readonly appRefs = new Map<number, AppRef>();
  private readonly stmts;

  /** Opens (creating if needed) the store at `path`; `:memory:` for a throwaway one. */
  constructor(path: string) {
    if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    if (path !== ":memory:" && path !== "") this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("cache_size = -65536");
    this.db.pragma("temp_store = MEMORY");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    const version = this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get();
    if (version === undefined) {
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
    } else if (version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `emulator store ${path} has schema version ${String(version)}, expected ${SCHEMA_VERSION}`,
      );
    }
    for (const row of this.db.prepare("SELECT app, user_id, app_id FROM apps").all() as {
      app: number;
      user_id: string;
      app_id: string;
    }[]) {
      this.appKeys.set(`${row.user_id}\u0000${row.app_id}`, row.app);
      this.appRefs.set(row.app, { userId: row.user_id, appId: row.app_id });
    }
    this.stmts = this.prepare();
  }

  private prepare() {
    const db = this.db;
    const sel = `SELECT ${COLUMNS} FROM inputs`;
    return {
      insertApp: db.prepare("INSERT INTO apps (user_id, app_id) VALUES (?, ?)"),
      insert: db.prepare(
        `INSERT INTO inputs (app, id, url, rest, created, modified, status, details, due, facts, hosted, info)
         VALUES (@app, @id, @url, @rest, @created, @created, @status, @details, @due, @facts, @hosted, @info)`,
      ),
      getById: db.prepare(`${sel} WHERE app = ? AND id = ?`),
      stateById: db.prepare("SELECT seq, purge FROM inputs WHERE app = ? AND id = ?"),
      urlTaken: db.prepare("SELECT 1 FROM inputs WHERE app = ? AND url = ? LIMIT 1").pluck(),
      seqOf: db.prepare("SELECT seq FROM inputs WHERE app = ? AND id = ?").pluck(),
      streamSeqAsc: db.prepare(`${sel} WHERE app = ? AND seq > ? ORDER BY seq LIMIT ?`),
      streamSeqDesc: db.prepare(`${sel} WHERE app = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
      streamIdAsc: db.prepare(`${sel} WHERE app = ? AND id > ? ORDER BY id LIMIT ?`),
      streamIdDesc: db.prepare(`${sel} WHERE app = ? AND id < ? ORDER BY id DESC LIMIT ?`),
      streamIdDescFirst: db.prepare(`${sel} WHERE app = ? ORDER BY id DESC LIMIT ?`),
      list: db.prepare(`${sel} WHERE app = ? ORDER BY seq DESC LIMIT ? OFFSET ?`),
      listStatus: db.prepare(
        `${sel} WHERE app = ? AND status = ? ORDER BY seq DESC LIMIT ? OFFSET ?`,
      ),
      listIds: db.prepare(
        `${sel} WHERE app = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ? OFFSET ?`,
      ),
      listIdsStatus: db.prepare(
        `${sel} WHERE app = ? AND id IN (SELECT value FROM json_each(?)) AND status = ?
         ORDER BY seq DESC LIMIT ? OFFSET ?`,
      ),
      counts: db.prepare("SELECT status, count(*) AS n FROM inputs WHERE app = ? GROUP BY status"),
      totals: db.prepare(
        "SELECT status, purge IS NOT NULL AS deleting, count(*) AS n FROM inputs GROUP BY status, deleting",
      ),
      updateRest: db.prepare("UPDATE inputs SET rest = ?, modified = ? WHERE seq = ?"),
      deleteNow: db.prepare("DELETE FROM inputs WHERE seq = ?"),
      markDeleting: db.prepare("UPDATE inputs SET purge = ?, due = NULL WHERE seq = ?"),
      due: db.prepare(
        `SELECT seq, app, id, url, status, facts, created FROM inputs
         WHERE due IS NOT NULL AND due <= ? ORDER BY due LIMIT ?`,
      ),
      nextDue: db.prepare("SELECT min(due) FROM inputs WHERE due IS NOT NULL").pluck(),
      setProgress: db.prepare("UPDATE inputs SET status = ?, due = ?, modified = ? WHERE seq = ?"),
      setDue: db.prepare(
        `UPDATE inputs SET due = ? WHERE seq = ? AND status = ${Code.INPUT_IN_PROGRESS} AND purge IS NULL`,
      ),
      clearDue: db.prepare("UPDATE inputs SET due = NULL WHERE seq = ?"),
      settle: db.prepare(
        `UPDATE inputs SET status = ?, details = ?, due = NULL, facts = NULL, hosted = ?, info = ?, modified = ?
         WHERE seq = ? AND purge IS NULL`,
      ),
      purgeDue: db
        .prepare(
          "SELECT seq FROM inputs WHERE purge IS NOT NULL AND purge <= ? ORDER BY purge LIMIT ?",
        )
        .pluck(),
      nextPurge: db.prepare("SELECT min(purge) FROM inputs WHERE purge IS NOT NULL").pluck(),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  /** The key of an app; with `create`, registers it on first use. */
  appKey(app: AppRef, create: boolean): number | undefined {
    const name = `${app.userId}\u0000${app.appId}`;
    const known = this.appKeys.get(name);
    if (known !== undefined || !create) return known;
    const key = Number(this.stmts.insertApp.run(app.userId, app.appId).lastInsertRowid);
    this.appKeys.set(name, key);
    this.appRefs.set(key, app);
    return key;
  }

  appRef(key: number): AppRef {
    const ref = this.appRefs.get(key);
    if (!ref) throw new Error(`unknown app key ${key}`);
    return ref;
  }

  // ---- reads ----

  getInput(app: number, id: string): InputRow | undefined {
    return this.stmts.getById.get(app, id) as InputRow | undefined;
  }

  /** Whether `id` is taken in the app, and whether that input is being deleted. */
  inputState(app: number, id: string): { seq: number; deleting: boolean } | undefined {
    const row = this.stmts.stateById.get(app, id) as
      | { seq: number; purge: number | null }
      | undefined;
    return row ? { seq: row.seq, deleting: row.purge !== null } : undefined;
  }

  urlTaken(app: number, url: string): boolean {
    return this.stmts.urlTaken.get(app, url) !== undefined;
  }

  /** One StreamInputs page; `undefined` when ordering by creation and `lastId` is unknown. */
  stream(app: number, q: StreamQuery): InputRow[] | undefined {
    const s = this.stmts;
    if (q.orderById) {
      if (q.lastId === undefined) {
        return (
          q.descending
            ? s.streamIdDescFirst.all(app, q.perPage)
            : s.streamIdAsc.all(app, "", q.perPage)
        ) as InputRow[];
      }
      return (q.descending ? s.streamIdDesc : s.streamIdAsc).all(
        app,
        q.lastId,
        q.perPage,
      ) as InputRow[];
    }
    let after: number;
    if (q.lastId === undefined) {
      after = q.descending ? Number.MAX_SAFE_INTEGER : 0;
    } else {
      const seq = s.seqOf.get(app, q.lastId) as number | undefined;
      if (seq === undefined) return undefined;
      after = seq;
    }
    return (q.descending ? s.streamSeqDesc : s.streamSeqAsc).all(
      app,
      after,
      q.perPage,
    ) as InputRow[];
  }

  /** One ListInputs page, newest first. */
  list(app: number, q: ListQuery): InputRow[] {
    const s = this.stmts;
    const offset = (q.page - 1) * q.perPage;
    if (q.ids) {
      const ids = JSON.stringify(q.ids);
      return (
        q.statusCode === undefined
          ? s.listIds.all(app, ids, q.perPage, offset)
          : s.listIdsStatus.all(app, ids, q.statusCode, q.perPage, offset)
      ) as InputRow[];
    }
    return (
      q.statusCode === undefined
        ? s.list.all(app, q.perPage, offset)
        : s.listStatus.all(app, q.statusCode, q.perPage, offset)
    ) as InputRow[];
  }

  /** Inputs of an app per status code. */
  countByStatus(app: number): Map<number, number> {
    const rows = this.stmts.counts.all(app) as { status: number; n: number }[];
    return new Map(rows.map((r) => [r.status, r.n]));
  }

  totals(): StoreTotals {
    const rows = this.stmts.totals.all() as { status: number; deleting: number; n: number }[];
    const totals: StoreTotals = { total: 0, byStatus: {}, deleting: 0 };
    for (const row of rows) {
      totals.total += row.n;
      totals.byStatus[row.status] = (totals.byStatus[row.status] ?? 0) + row.n;
      if (row.deleting) totals.deleting += row.n;
    }
    return totals;
  }

  // ---- writes ----

  insertInput(row: NewInputRow): number {
    const result = this.stmts.insert.run({
      details: null,
      hosted: null,
      info: null,
      ...row,
    });
    return Number(result.lastInsertRowid);
  }

  updateData(seq: number, rest: string, modified: number): void {
    this.stmts.updateRest.run(rest, modified, seq);
  }

  /** Deletes now (`purgeAt` undefined) or marks the input as deleting until `purgeAt`. */
  deleteInput(seq: number, purgeAt?: number): void {
    if (purgeAt === undefined) this.stmts.deleteNow.run(seq);
    else this.stmts.markDeleting.run(purgeAt, seq);
  }

  // ---- the workers' queries ----

  dueRows(now: number, limit: number): DueRow[] {
    return this.stmts.due.all(now, limit) as DueRow[];
  }

  nextDue(): number | undefined {
    return (this.stmts.nextDue.get() as number | null) ?? undefined;
  }

  setProgress(seq: number, status: number, due: number, modified: number): void {
    this.stmts.setProgress.run(status, due, modified, seq);
  }

  /** Reschedules an input that is in progress (no-op once it settled or is being deleted). */
  setDue(seq: number, due: number): void {
    this.stmts.setDue.run(due, seq);
  }

  clearDue(seq: number): void {
    this.stmts.clearDue.run(seq);
  }

  /** Final indexing outcome (ignored for inputs being deleted). */
  settle(
    seq: number,
    outcome: { status: number; details: string | null; hosted: string | null; info: string | null },
    modified: number,
  ): void {
    this.stmts.settle.run(
      outcome.status,
      outcome.details,
      outcome.hosted,
      outcome.info,
      modified,
      seq,
    );
  }

  purgeDue(now: number, limit: number): number[] {
    return this.stmts.purgeDue.all(now, limit) as number[];
  }

  nextPurge(): number | undefined {
    return (this.stmts.nextPurge.get() as number | null) ?? undefined;
  }

  // ---- bulk seeding ----

  /**
   * Inserts inputs directly, without HTTP and without the API's duplicate-URL check, in one
   * transaction: how benchmarks pre-fill an app with a million inputs. Inputs need an id (or get
   * a generated one) and an image URL (or are stored as byte uploads); concepts and metadata are
   * taken as given. Throws on an invalid or duplicate id. Returns the number inserted.
   */
  seed(app: AppRef, inputs: Iterable<ApiInput>, options: SeedOptions = {}): number {
    const status = options.status ?? Code.INPUT_SUCCESS;
    return this.transaction(() => {
      const key = this.appKey(app, true)!;
      let count = 0;
      for (const input of inputs) {
        const id = input.id || randomUUID().replaceAll("-", "");
        const problem = checkInputId(id);
        if (problem) throw new Error(`seed: input ${id}: ${problem.details}`);
        const image = input.data?.image;
        const url = image?.url?.trim() || null;
        const data: StoredData = {
          concepts: (input.data?.concepts ?? []).map((c) => ({
            id: c.id,
            name: c.name || c.id,
            value: c.value ?? 1,
          })),
          metadata: (input.data?.metadata ?? {}) as JsonObject,
        };
        const created = this.clock.now();
        const settled = status === Code.INPUT_SUCCESS;
        try {
          this.insertInput({
            app: key,
            id,
            url,
            rest: renderRest(data, app.appId),
            created,
            status,
            details: status === Code.INPUT_FAILED ? (options.details ?? "seeded as failed") : null,
            due: status === Code.INPUT_PENDING ? created : null,
            facts: url === null ? JSON.stringify({ format: "PNG" } satisfies ImageFacts) : null,
            hosted: settled ? hostedName(key, id, created) : null,
            info: settled && url === null ? renderImageInfo({ format: "PNG" }) : null,
          });
        } catch (error) {
          if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
            throw new Error(`seed: duplicate input id ${id}`);
          }
          throw error;
        }
        count++;
      }
      return count;
    });
  }
}
