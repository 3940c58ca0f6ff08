/**
 * The emulator's durable store: one SQLite database (better-sqlite3, WAL) holding every app's
 * inputs. Synchronous by design — a request's reads and writes run inside one transaction and
 * nothing else can interleave. The rowid is the creation sequence; streams page through the
 * (app) index (which carries the rowid) or the (app, id) index by key, never by OFFSET. The
 * indexing and deletion workers find their work through partial indexes on due times.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";
import type { ApiInput, JsonObject } from "../api/types.js";
import { MicrosClock } from "./clock.js";
import { sniffImage } from "./image-sniff.js";
import { checkInputId, decodeBase64 } from "./input-parse.js";
import type { StoredData } from "./patch-rules.js";
import { type InputRow, renderImageInfo, renderRest } from "./render.js";
import { openSqlite } from "./sqlite.js";
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

/** Where a stored input lives: its app and its creation sequence. */
export interface RowKey {
  app: number;
  seq: number;
}

/** A row the indexing worker has to move on. */
export interface DueRow extends RowKey {
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

type RawRow = [
  number,
  string,
  string | null,
  string,
  number,
  number,
  number,
  string | null,
  string | null,
  string | null,
];

/** Rows are read as arrays (much faster in better-sqlite3) and turned into objects here. */
function toRow(r: RawRow): InputRow {
  return {
    seq: r[0],
    id: r[1],
    url: r[2],
    rest: r[3],
    created: r[4],
    modified: r[5],
    status: r[6],
    details: r[7],
    hosted: r[8],
    info: r[9],
  };
}

function toRows(rows: unknown[]): InputRow[] {
  return (rows as RawRow[]).map(toRow);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS apps (
  app INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  UNIQUE (user_id, app_id)
);
CREATE TABLE IF NOT EXISTS inputs (
  seq INTEGER PRIMARY KEY,   -- creation order (rowid)
  app INTEGER NOT NULL,
  id TEXT NOT NULL,
  url TEXT,                  -- trimmed image URL; NULL for byte uploads
  rest TEXT NOT NULL,        -- rendered concepts/metadata/geo JSON fragment
  created INTEGER NOT NULL,  -- µs since the epoch
  modified INTEGER NOT NULL,
  status INTEGER NOT NULL,
  details TEXT,
  due INTEGER,               -- when the indexing worker next looks at it
  facts TEXT,                -- sniffed ImageFacts of uploaded bytes ("none": not an image)
  hosted TEXT,               -- name of the hosted copy, once indexed
  info TEXT,                 -- image_info JSON, once indexed
  purge INTEGER              -- set while being deleted: when the input disappears
);
CREATE UNIQUE INDEX IF NOT EXISTS inputs_app_id ON inputs (app, id);
CREATE INDEX IF NOT EXISTS inputs_app_seq ON inputs (app);
CREATE INDEX IF NOT EXISTS inputs_app_status ON inputs (app, status);
CREATE INDEX IF NOT EXISTS inputs_app_url ON inputs (app, url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS inputs_due ON inputs (due) WHERE due IS NOT NULL;
CREATE INDEX IF NOT EXISTS inputs_purge ON inputs (purge) WHERE purge IS NOT NULL;
`;

/** The secondary indexes, dropped while seeding an empty store and rebuilt after (much faster). */
const SECONDARY_INDEXES = [
  "inputs_app_id",
  "inputs_app_seq",
  "inputs_app_status",
  "inputs_app_url",
  "inputs_due",
  "inputs_purge",
];

/** A 32-hex name for an input's hosted copy. */
export function hostedName(app: number, id: string, created: number): string {
  // Opaque but stable and unique per store (created is strictly increasing); cheaper than a
  // cryptographic hash when seeding a million inputs.
  const hex32 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return (
    hex32(fnv1a(id, 0x811c9dc5 ^ app)) +
    hex32(fnv1a(id, 0x01000193)) +
    created.toString(16).padStart(16, "0").slice(-16)
  );
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
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
    const onDisk = path !== ":memory:" && path !== "";
    if (onDisk) mkdirSync(dirname(path), { recursive: true });
    this.db = openSqlite(path);
    if (onDisk) this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("cache_size = -65536");
    this.db.pragma("temp_store = MEMORY");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const version = this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get();
    if (version !== undefined && version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `emulator store ${path} has schema version ${String(version)}, expected ${SCHEMA_VERSION}; remove it to start afresh`,
      );
    }
    this.db.exec(SCHEMA);
    this.db
      .prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)")
      .run(SCHEMA_VERSION);
    this.stmts = this.prepare();
  }

  private prepare() {
    const db = this.db;
    const sel = `SELECT ${COLUMNS} FROM inputs`;
    // seq alone identifies a row; app is checked too, as a guard.
    const key = "app = ? AND seq = ?";
    return {
      findApp: db.prepare("SELECT app FROM apps WHERE user_id = ? AND app_id = ?").pluck(),
      appById: db.prepare("SELECT user_id AS userId, app_id AS appId FROM apps WHERE app = ?"),
      insertApp: db.prepare("INSERT INTO apps (user_id, app_id) VALUES (?, ?)"),
      insert: db.prepare(
        `INSERT INTO inputs (app, id, url, rest, created, modified, status, details, due, facts, hosted, info)
         VALUES (@app, @id, @url, @rest, @created, @created, @status, @details, @due, @facts, @hosted, @info)`,
      ),
      getById: db.prepare(`${sel} WHERE app = ? AND id = ?`).raw(),
      stateById: db.prepare("SELECT seq, purge FROM inputs WHERE app = ? AND id = ?"),
      urlTaken: db.prepare("SELECT 1 FROM inputs WHERE app = ? AND url = ? LIMIT 1").pluck(),
      seqOf: db.prepare("SELECT seq FROM inputs WHERE app = ? AND id = ?").pluck(),
      streamSeqAsc: db.prepare(`${sel} WHERE app = ? AND seq > ? ORDER BY seq LIMIT ?`).raw(),
      streamSeqDesc: db.prepare(`${sel} WHERE app = ? AND seq < ? ORDER BY seq DESC LIMIT ?`).raw(),
      streamIdAsc: db.prepare(`${sel} WHERE app = ? AND id > ? ORDER BY id LIMIT ?`).raw(),
      streamIdDesc: db.prepare(`${sel} WHERE app = ? AND id < ? ORDER BY id DESC LIMIT ?`).raw(),
      streamIdDescFirst: db.prepare(`${sel} WHERE app = ? ORDER BY id DESC LIMIT ?`).raw(),
      list: db.prepare(`${sel} WHERE app = ? ORDER BY seq DESC LIMIT ? OFFSET ?`).raw(),
      listStatus: db
        .prepare(`${sel} WHERE app = ? AND status = ? ORDER BY seq DESC LIMIT ? OFFSET ?`)
        .raw(),
      listIds: db
        .prepare(
          `${sel} WHERE app = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ? OFFSET ?`,
        )
        .raw(),
      listIdsStatus: db
        .prepare(`${sel} WHERE app = ? AND id IN (SELECT value FROM json_each(?)) AND status = ?
         ORDER BY seq DESC LIMIT ? OFFSET ?`)
        .raw(),
      counts: db.prepare("SELECT status, count(*) AS n FROM inputs WHERE app = ? GROUP BY status"),
      totals: db.prepare(
        "SELECT status, purge IS NOT NULL AS deleting, count(*) AS n FROM inputs GROUP BY status, deleting",
      ),
      updateRest: db.prepare(`UPDATE inputs SET rest = ?, modified = ? WHERE ${key}`),
      deleteNow: db.prepare(`DELETE FROM inputs WHERE ${key}`),
      markDeleting: db.prepare(`UPDATE inputs SET purge = ?, due = NULL WHERE ${key}`),
      due: db.prepare(
        `SELECT app, seq, id, url, status, facts, created FROM inputs
         WHERE due IS NOT NULL AND due <= ? ORDER BY due LIMIT ?`,
      ),
      nextDue: db.prepare("SELECT min(due) FROM inputs WHERE due IS NOT NULL").pluck(),
      setProgress: db.prepare(`UPDATE inputs SET status = ?, due = ?, modified = ? WHERE ${key}`),
      setDue: db.prepare(
        `UPDATE inputs SET due = ? WHERE ${key} AND status = ${Code.INPUT_IN_PROGRESS} AND purge IS NULL`,
      ),
      clearDue: db.prepare(`UPDATE inputs SET due = NULL WHERE ${key}`),
      settle: db.prepare(
        `UPDATE inputs SET status = ?, details = ?, due = NULL, facts = NULL, hosted = ?, info = ?, modified = ?
         WHERE ${key} AND purge IS NULL`,
      ),
      purgeDue: db.prepare(
        "SELECT app, seq FROM inputs WHERE purge IS NOT NULL AND purge <= ? ORDER BY purge LIMIT ?",
      ),
      nextPurge: db.prepare("SELECT min(purge) FROM inputs WHERE purge IS NOT NULL").pluck(),
      anyInput: db.prepare("SELECT 1 FROM inputs LIMIT 1").pluck(),
      firstDuplicateId: db
        .prepare("SELECT id FROM inputs GROUP BY app, id HAVING count(*) > 1 LIMIT 1")
        .pluck(),
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
    let key = this.appKeys.get(name);
    if (key !== undefined) return key;
    // Another connection (seedStore) may have created it since we cached.
    key = this.stmts.findApp.get(app.userId, app.appId) as number | undefined;
    if (key === undefined && create) {
      key = Number(this.stmts.insertApp.run(app.userId, app.appId).lastInsertRowid);
    }
    if (key !== undefined) {
      this.appKeys.set(name, key);
      this.appRefs.set(key, app);
    }
    return key;
  }

  appRef(key: number): AppRef {
    let ref = this.appRefs.get(key);
    if (!ref) {
      ref = this.stmts.appById.get(key) as AppRef | undefined;
      if (!ref) throw new Error(`unknown app key ${key}`);
      this.appRefs.set(key, ref);
    }
    return ref;
  }

  // ---- reads ----

  getInput(app: number, id: string): InputRow | undefined {
    const raw = this.stmts.getById.get(app, id) as RawRow | undefined;
    return raw && toRow(raw);
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
        return toRows(
          q.descending
            ? s.streamIdDescFirst.all(app, q.perPage)
            : s.streamIdAsc.all(app, "", q.perPage),
        );
      }
      const page = q.descending ? s.streamIdDesc : s.streamIdAsc;
      return toRows(page.all(app, q.lastId, q.perPage));
    }
    let after: number;
    if (q.lastId === undefined) {
      after = q.descending ? Number.MAX_SAFE_INTEGER : 0;
    } else {
      const seq = s.seqOf.get(app, q.lastId) as number | undefined;
      if (seq === undefined) return undefined;
      after = seq;
    }
    const page = q.descending ? s.streamSeqDesc : s.streamSeqAsc;
    return toRows(page.all(app, after, q.perPage));
  }

  /** One ListInputs page, newest first (OFFSET paging, as the API's page/per_page). */
  list(app: number, q: ListQuery): InputRow[] {
    const s = this.stmts;
    const offset = (q.page - 1) * q.perPage;
    if (q.ids) {
      const ids = JSON.stringify(q.ids);
      return toRows(
        q.statusCode === undefined
          ? s.listIds.all(app, ids, q.perPage, offset)
          : s.listIdsStatus.all(app, ids, q.statusCode, q.perPage, offset),
      );
    }
    return toRows(
      q.statusCode === undefined
        ? s.list.all(app, q.perPage, offset)
        : s.listStatus.all(app, q.statusCode, q.perPage, offset),
    );
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

  /** Inserts a new input at the end of the creation order; returns its sequence number. */
  insertInput(row: NewInputRow): number {
    const result = this.stmts.insert.run({ details: null, hosted: null, info: null, ...row });
    return Number(result.lastInsertRowid);
  }

  updateData(key: RowKey, rest: string, modified: number): void {
    this.stmts.updateRest.run(rest, modified, key.app, key.seq);
  }

  /** Deletes now (`purgeAt` undefined) or marks the input as deleting until `purgeAt`. */
  deleteInput(key: RowKey, purgeAt?: number): void {
    if (purgeAt === undefined) this.stmts.deleteNow.run(key.app, key.seq);
    else this.stmts.markDeleting.run(purgeAt, key.app, key.seq);
  }

  // ---- the workers' queries ----

  dueRows(now: number, limit: number): DueRow[] {
    return this.stmts.due.all(now, limit) as DueRow[];
  }

  nextDue(): number | undefined {
    return (this.stmts.nextDue.get() as number | null) ?? undefined;
  }

  setProgress(key: RowKey, status: number, due: number, modified: number): void {
    this.stmts.setProgress.run(status, due, modified, key.app, key.seq);
  }

  /** Reschedules an input that is in progress (no-op once it settled or is being deleted). */
  setDue(key: RowKey, due: number): void {
    this.stmts.setDue.run(due, key.app, key.seq);
  }

  clearDue(key: RowKey): void {
    this.stmts.clearDue.run(key.app, key.seq);
  }

  /** Final indexing outcome (ignored for inputs being deleted). */
  settle(
    key: RowKey,
    outcome: { status: number; details: string | null; hosted: string | null; info: string | null },
    modified: number,
  ): void {
    const { status, details, hosted, info } = outcome;
    this.stmts.settle.run(status, details, hosted, info, modified, key.app, key.seq);
  }

  purgeDue(now: number, limit: number): RowKey[] {
    return this.stmts.purgeDue.all(now, limit) as RowKey[];
  }

  nextPurge(): number | undefined {
    return (this.stmts.nextPurge.get() as number | null) ?? undefined;
  }

  // ---- bulk seeding ----

  /**
   * Inserts inputs directly, without HTTP and without the API's duplicate-URL check, in one
   * transaction: how benchmarks pre-fill an app with a million inputs. Each input needs an id
   * (or gets a generated one) and an image URL or base64 bytes; concepts and metadata are taken
   * as given. Throws on an invalid or duplicate id. Returns the number inserted.
   */
  seed(app: AppRef, inputs: Iterable<ApiInput>, options: SeedOptions = {}): number {
    const status = options.status ?? Code.INPUT_SUCCESS;
    return this.transaction(() => {
      const key = this.appKey(app, true)!;
      // Into an empty store, insert without indexes and build them once at the end.
      const empty = this.stmts.anyInput.get() === undefined;
      if (empty) for (const index of SECONDARY_INDEXES) this.db.exec(`DROP INDEX ${index}`);
      let count = 0;
      for (const input of inputs) {
        const row = this.seedRow(key, app, input, status, options);
        try {
          this.insertInput(row);
        } catch (error) {
          if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
            throw new Error(`seed: duplicate input id ${row.id}`);
          }
          throw error;
        }
        count++;
      }
      if (empty) {
        const duplicate = this.stmts.firstDuplicateId.get() as string | undefined;
        if (duplicate !== undefined) throw new Error(`seed: duplicate input id ${duplicate}`);
        this.db.exec(SCHEMA);
      }
      return count;
    });
  }

  private seedRow(
    key: number,
    app: AppRef,
    input: ApiInput,
    status: number,
    options: SeedOptions,
  ): NewInputRow {
    const id = input.id || randomUUID().replaceAll("-", "");
    const problem = checkInputId(id);
    if (problem) throw new Error(`seed: input ${id}: ${problem.details}`);
    const image = input.data?.image;
    const url = image?.url?.trim() || null;
    const bytes = url === null && image?.base64 ? decodeBase64(image.base64) : undefined;
    const facts = bytes ? sniffImage(bytes) : undefined;
    if (url === null && !facts)
      throw new Error(`seed: input ${id} needs an image URL or image bytes`);
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
    return {
      app: key,
      id,
      url,
      rest: renderRest(data, app.appId),
      created,
      status,
      details: status === Code.INPUT_FAILED ? (options.details ?? "seeded as failed") : null,
      due: status === Code.INPUT_PENDING ? created : null,
      facts: facts ? JSON.stringify(facts) : null,
      hosted: settled ? hostedName(key, id, created) : null,
      info: settled && facts ? renderImageInfo(facts) : null,
    };
  }
}
