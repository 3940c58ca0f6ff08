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
import { type EmulatorClock, MicrosClock, systemClock } from "./clock.js";
import { hostedName } from "./hosted.js";
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

/** A settled indexing outcome, as the worker writes it. */
export interface Settlement {
  key: RowKey;
  status: number;
  details: string | null;
  hosted: string | null;
  info: string | null;
}

/** Everything one indexing tick changes, written with one statement per kind of change. */
export interface TickWrites {
  /** Pending inputs that move to in progress, due again at `progressDue`. */
  progress: RowKey[];
  progressDue: number;
  settled: Settlement[];
  /** In-progress inputs to look at again later (a download still running). */
  rescheduled: { key: RowKey; due: number }[];
  /** Rows the worker has nothing more to do for. */
  cleared: RowKey[];
  /** Inputs whose deletion delay ended. */
  purged: RowKey[];
}

/** The bytes of an uploaded image, as `/_hosted/…` serves them. */
export interface StoredImage {
  bytes: Buffer;
  /** What sniffing found (`JPEG`, `PNG`…), or null when the bytes are not an image. */
  format: string | null;
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
CREATE TABLE IF NOT EXISTS images (
  seq INTEGER PRIMARY KEY,   -- the input's seq: an uploaded image lives as long as its input
  app INTEGER NOT NULL,
  name TEXT NOT NULL,        -- the hosted name (32 hex), as in image.hosted.suffix
  format TEXT,               -- sniffed format; NULL when the bytes are not an image
  bytes BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS images_name ON images (name);
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

/** Inputs per status across all apps (deleting inputs counted apart). */
export interface StoreTotals {
  total: number;
  byStatus: Record<string, number>;
  deleting: number;
}

export class EmulatorStore {
  readonly db: Database.Database;
  readonly clock: MicrosClock;
  private readonly appKeys = new Map<string, number>();
  private readonly appRefs = new Map<number, AppRef>();
  private readonly stmts;

  /**
   * Opens (creating if needed) the store at `path`; `:memory:` for a throwaway one. Timestamps
   * come from `clock`.
   */
  constructor(path: string, clock: EmulatorClock = systemClock) {
    this.clock = new MicrosClock(clock);
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
      deleteImage: db.prepare("DELETE FROM images WHERE app = ? AND seq = ?"),
      insertImage: db.prepare(
        "INSERT INTO images (seq, app, name, format, bytes) VALUES (@seq, @app, @name, @format, @bytes)",
      ),
      imageByName: db.prepare("SELECT bytes, format FROM images WHERE app = ? AND name = ?"),
      // The worker's batched writes: each takes a JSON array of rows (json_each), so one tick
      // costs a handful of statements whatever its size.
      progressMany: db.prepare(
        `UPDATE inputs SET status = ${Code.INPUT_IN_PROGRESS}, due = ?, modified = ?
         WHERE seq IN (SELECT value FROM json_each(?))`,
      ),
      settleMany: db.prepare(
        `UPDATE inputs SET status = j.status, details = j.details, due = NULL, facts = NULL,
           hosted = j.hosted, info = j.info, modified = ?
         FROM (SELECT json_extract(value, '$[0]') AS seq, json_extract(value, '$[1]') AS status,
                 json_extract(value, '$[2]') AS details, json_extract(value, '$[3]') AS hosted,
                 json_extract(value, '$[4]') AS info
               FROM json_each(?)) AS j
         WHERE inputs.seq = j.seq AND inputs.purge IS NULL`,
      ),
      clearDueMany: db.prepare(
        "UPDATE inputs SET due = NULL WHERE seq IN (SELECT value FROM json_each(?))",
      ),
      deleteMany: db.prepare("DELETE FROM inputs WHERE seq IN (SELECT value FROM json_each(?))"),
      deleteImagesMany: db.prepare(
        "DELETE FROM images WHERE seq IN (SELECT value FROM json_each(?))",
      ),
      markDeleting: db.prepare(`UPDATE inputs SET purge = ?, due = NULL WHERE ${key}`),
      due: db.prepare(
        `SELECT app, seq, id, url, status, facts, created FROM inputs
         WHERE due IS NOT NULL AND due <= ? ORDER BY due LIMIT ?`,
      ),
      nextDue: db.prepare("SELECT min(due) FROM inputs WHERE due IS NOT NULL").pluck(),
      setDue: db.prepare(
        `UPDATE inputs SET due = ? WHERE ${key} AND status = ${Code.INPUT_IN_PROGRESS} AND purge IS NULL`,
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
    if (purgeAt === undefined) {
      this.stmts.deleteNow.run(key.app, key.seq);
      this.stmts.deleteImage.run(key.app, key.seq);
    } else {
      this.stmts.markDeleting.run(purgeAt, key.app, key.seq);
    }
  }

  /** Keeps the bytes of an uploaded image under its hosted name (`seq` is its input's). */
  insertImage(key: RowKey, name: string, bytes: Buffer, format: string | null): void {
    this.stmts.insertImage.run({ seq: key.seq, app: key.app, name, format, bytes });
  }

  /** The bytes of the app's uploaded image called `name` (the hosted suffix's last part). */
  getImage(app: number, name: string): StoredImage | undefined {
    return this.stmts.imageByName.get(app, name) as StoredImage | undefined;
  }

  // ---- the workers' queries ----

  dueRows(now: number, limit: number): DueRow[] {
    return this.stmts.due.all(now, limit) as DueRow[];
  }

  nextDue(): number | undefined {
    return (this.stmts.nextDue.get() as number | null) ?? undefined;
  }

  /** Reschedules an input that is in progress (no-op once it settled or is being deleted). */
  setDue(key: RowKey, due: number): void {
    this.stmts.setDue.run(due, key.app, key.seq);
  }

  /**
   * Writes one indexing tick: a statement per kind of change rather than one per input, so that
   * at latency 0 the worker's cost stays small next to a client's. Settling is ignored for inputs
   * being deleted.
   */
  writeTick(writes: TickWrites, modified: number): void {
    const seqs = (keys: RowKey[]) => JSON.stringify(keys.map((k) => k.seq));
    if (writes.progress.length > 0)
      this.stmts.progressMany.run(writes.progressDue, modified, seqs(writes.progress));
    if (writes.settled.length > 0) {
      const rows = writes.settled.map((s) => [s.key.seq, s.status, s.details, s.hosted, s.info]);
      this.stmts.settleMany.run(modified, JSON.stringify(rows));
    }
    for (const { key, due } of writes.rescheduled) this.setDue(key, due);
    if (writes.cleared.length > 0) this.stmts.clearDueMany.run(seqs(writes.cleared));
    if (writes.purged.length > 0) {
      this.stmts.deleteMany.run(seqs(writes.purged));
      this.stmts.deleteImagesMany.run(seqs(writes.purged));
    }
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
        const { row, image } = this.seedRow(key, app, input, status, options);
        try {
          const seq = this.insertInput(row);
          if (image) this.insertImage({ app: key, seq }, image.name, image.bytes, image.format);
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
  ): { row: NewInputRow; image?: { name: string; bytes: Buffer; format: string | null } } {
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
    const row: NewInputRow = {
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
    if (!bytes) return { row };
    return {
      row,
      image: { name: hostedName(key, id, created), bytes, format: facts?.format ?? null },
    };
  }
}
