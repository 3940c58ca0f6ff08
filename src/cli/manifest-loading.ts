/**
 * Loading a manifest while the app is read (`plan`, `apply <manifest>`): the loader runs on a
 * worker thread and hands its inputs over in compact chunks; the caller learns the root's name
 * and `app:` first, connects, and plans against the filling index. Where the compiled worker is
 * not available (the sources run under a test runner) the load runs on this thread instead, with
 * the same results.
 */
import { ChunkingSink, type DesiredChunk, DesiredIndex } from "../manifest/desired-index.js";
import { MemoryKeyStore } from "../manifest/key-store.js";
import { type LoadResult, loadManifestInto, type ManifestRoot } from "../manifest/load.js";
import type { ManifestInfo } from "../manifest/manifest.js";
import { DesiredFeed } from "../plan/desired-feed.js";
import type { CliIO } from "./io.js";
import { createKeyFile, KeyFile } from "./key-file.js";
import { reportLoadFailure } from "./load-manifest.js";
import { loaderWorker, loadsOnWorker } from "./warm-loader.js";

/** What the worker is given. */
export interface LoaderRequest {
  path: string;
  cwd: string;
  /** The key file's descriptor (src/cli/key-file.ts): the worker writes the keys there. */
  keyFd: number;
}

/** What the worker posts, in this order: root, chunks, then done (or crash). */
export type LoaderMessage =
  | { type: "root"; root: ManifestRoot }
  | { type: "chunk"; chunk: DesiredChunk }
  | { type: "done"; result: LoadResult<ManifestInfo> }
  | { type: "crash"; message: string; stack: string | undefined };

/** A manifest being loaded. */
export interface LoadingManifest {
  /** The root manifest's name, `app:` and sha256. */
  root: ManifestRoot;
  /** The declared inputs as they arrive; fails with the load's error. */
  feed: DesiredFeed;
  /** The whole manifest once loaded; rejects with the error that ends the command. */
  loaded: Promise<ManifestInfo>;
  /**
   * Stops loading (nothing is left running); a pending load fails. The feed's index cannot read
   * keys after this: call it once the plan is built.
   */
  stop(): Promise<void>;
}

/** Inputs per chunk when the load runs on this thread. */
const CHUNK_SIZE = 8192;

/**
 * Starts loading; resolves once the root manifest is read. A load that fails before that
 * (missing or invalid root) rejects with its error, its problems printed.
 */
export function startLoadingManifest(path: string, io: CliIO): Promise<LoadingManifest> {
  const inWorker = loadsOnWorker();
  // On a worker, the keys go to a file both threads use; on this thread, to memory.
  const keyFile = inWorker ? createKeyFile() : undefined;
  const keys = keyFile === undefined ? new MemoryKeyStore() : new KeyFile(keyFile.fd);
  const feed = new DesiredFeed(new DesiredIndex(keys));
  let resolveLoaded!: (info: ManifestInfo) => void;
  let rejectLoaded!: (error: unknown) => void;
  const loaded = new Promise<ManifestInfo>((resolve, reject) => {
    resolveLoaded = resolve;
    rejectLoaded = reject;
  });
  loaded.catch(() => undefined);
  let settled = false;
  let stopLoader: () => Promise<void> = async () => undefined;

  return new Promise<LoadingManifest>((resolveRoot, rejectRoot) => {
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      feed.fail(error);
      rejectLoaded(error);
      rejectRoot(error);
    };
    const onMessage = (message: LoaderMessage) => {
      if (settled) return;
      switch (message.type) {
        case "root":
          resolveRoot({ root: message.root, feed, loaded, stop: () => stop() });
          return;
        case "chunk":
          feed.append(message.chunk);
          return;
        case "done": {
          if (!message.result.ok) {
            fail(reportLoadFailure(message.result, path, io));
            return;
          }
          settled = true;
          feed.complete();
          resolveLoaded(message.result.manifest);
          return;
        }
        case "crash": {
          const error = new Error(message.message);
          if (message.stack !== undefined) error.stack = message.stack;
          fail(error);
          return;
        }
      }
    };
    const stop = async () => {
      fail(new Error("loading the manifest was stopped"));
      await stopLoader();
      keyFile?.close();
    };

    if (keyFile === undefined) {
      const sink = new ChunkingSink(
        CHUNK_SIZE,
        (chunk) => onMessage({ type: "chunk", chunk }),
        keys,
      );
      loadManifestInto(path, sink, {
        cwd: io.cwd,
        onRoot: (root) => onMessage({ type: "root", root }),
      }).then(
        (result) => {
          sink.flush();
          onMessage({ type: "done", result });
        },
        (error: unknown) => fail(error),
      );
      return;
    }
    const request: LoaderRequest = { path, cwd: io.cwd, keyFd: keyFile.fd };
    const worker = loaderWorker();
    worker.postMessage(request);
    stopLoader = async () => {
      await worker.terminate();
    };
    worker.on("message", onMessage);
    worker.on("error", fail);
    worker.on("exit", (code) => {
      fail(new Error(`the manifest loader stopped (exit code ${code}) before it finished`));
    });
  });
}
