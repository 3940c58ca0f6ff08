/**
 * The Clarifai-compatible inputs API emulator: library entry point. See ./README.md for what it
 * models and which guesses it makes.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiInput } from "../api/types.js";
import { CLARIFAI_HOSTED_PREFIX, HOSTED_PATH } from "./hosted.js";
import { IndexingWorker } from "./indexing-worker.js";
import { type EmulatorOptions, parseAppRef, resolveOptions } from "./options.js";
import { EmulatorRequestHandler } from "./server.js";
import { type EmulatorStats, type RequestLogEntry, StatsCollector } from "./stats.js";
import { type AppRef, EmulatorStore, type SeedOptions } from "./store.js";

export { ManualClock } from "./clock.js";
export type { EmulatorOptions } from "./options.js";
export type { EmulatorStats, RequestLogEntry } from "./stats.js";
export { type AppRef, EmulatorStore, type SeedOptions } from "./store.js";

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash; the API lives under `/v2`). */
  url: string;
  port: number;
  /** The store the server uses (same connection; safe to call between requests). */
  store: EmulatorStore;
  /** Stops listening, drops open connections, stops the workers and closes the store. */
  close(): Promise<void>;
  /** The same snapshot `GET /_emulator/stats` returns. */
  stats(): EmulatorStats;
  /** The latest requests (at most 1,000), oldest first; also `GET /_emulator/requests`. */
  requestLog(): RequestLogEntry[];
  /** Zeroes the request counters and the log (not the data); also `POST /_emulator/reset`. */
  resetStats(): void;
  /** Bulk-inserts inputs into an app without HTTP (see `EmulatorStore.seed`); returns the count. */
  seed(app: AppRef | string, inputs: Iterable<ApiInput>, options?: SeedOptions): number;
}

/** Starts the emulator; resolves once it listens. Rejects on bad options or a busy port. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const resolved = resolveOptions(options);
  const store = new EmulatorStore(resolved.db, resolved.clock);
  const worker = new IndexingWorker(store, {
    indexDelayMs: resolved.indexDelayMs,
    download: resolved.download,
    ...(resolved.failUrl ? { failUrl: resolved.failUrl } : {}),
    downloadTimeoutMs: resolved.downloadTimeoutMs,
    maxImageBytes: resolved.maxImageBytes,
    clock: resolved.clock,
  });
  const stats = new StatsCollector();
  // The handler is attached once listening: the hosted prefix holds the port.
  const server = createServer({ keepAliveTimeout: 30_000 });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  const url = `http://${host}:${port}`;
  const hosted =
    resolved.hostedUrls === "on"
      ? { prefix: `${url}${HOSTED_PATH}`, uploads: true }
      : { prefix: CLARIFAI_HOSTED_PREFIX, uploads: false };
  const handler = new EmulatorRequestHandler({ store, worker, options: resolved, stats, hosted });
  server.on("request", handler.listener);
  // Work left by a previous run (pending indexing, delayed deletes) resumes now.
  worker.wake();
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await worker.stop();
        store.close();
      })();
      return closing;
    },
    stats: () => stats.snapshot(store.totals()),
    requestLog: () => stats.recent(),
    resetStats: () => stats.reset(),
    seed: (app, inputs, seedOptions) => {
      const count = store.seed(
        typeof app === "string" ? parseAppRef(app) : app,
        inputs,
        seedOptions,
      );
      worker.wake();
      return count;
    },
  };
}

/**
 * Bulk-inserts inputs into the store file at `db` (created if needed) without starting a server,
 * e.g. to pre-fill a million inputs for a benchmark. Returns the number inserted.
 */
export function seedStore(
  db: string,
  app: AppRef | string,
  inputs: Iterable<ApiInput>,
  options?: SeedOptions,
): number {
  const store = new EmulatorStore(db);
  try {
    return store.seed(typeof app === "string" ? parseAppRef(app) : app, inputs, options);
  } finally {
    store.close();
  }
}
