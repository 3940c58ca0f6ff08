/**
 * The manifest loader on a worker thread: `plan` and `apply` read the app on the main thread
 * while this loads (js-yaml and the checks are synchronous and CPU-bound). Posts, in order:
 * `root` (once the root manifest is read), `chunk`s of compact inputs, then `done` with the
 * load's result (problems included) or `crash` for an unexpected error.
 */
import { parentPort } from "node:worker_threads";
import { ChunkingSink } from "../manifest/desired-index.js";
import { loadManifestInto } from "../manifest/load.js";
import { compileSchemas } from "../manifest/schema.js";
import { KeyFile } from "./key-file.js";
import type { LoaderMessage, LoaderRequest } from "./manifest-loading.js";

/** Inputs per message: large enough that posting costs little, small enough to overlap. */
const CHUNK_SIZE = 8192;

const port = parentPort;
if (port === null) throw new Error("load-worker.js runs as a worker thread");
const post = (message: LoaderMessage) => port.postMessage(message);

// Started early (src/cli/warm-loader.ts): ready to load before it is asked to.
port.once("message", (request: LoaderRequest) => {
  load(request).catch((error: unknown) => {
    post({
      type: "crash",
      message: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
  });
});
compileSchemas();

async function load(request: LoaderRequest): Promise<void> {
  const sink = new ChunkingSink(
    CHUNK_SIZE,
    (chunk) => post({ type: "chunk", chunk }),
    new KeyFile(request.keyFd),
  );
  const result = await loadManifestInto(request.path, sink, {
    cwd: request.cwd,
    onRoot: (root) => post({ type: "root", root }),
  });
  sink.flush();
  post({ type: "done", result });
}
