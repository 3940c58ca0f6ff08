/**
 * The manifest loader's worker thread, started before a command's own modules are loaded: its
 * start-up (the loader's modules, compiling the manifest schema: ~0.25 s) then overlaps the main
 * thread's (~0.3 s before a plan asks for it), and a load whose loader is the slower side (a
 * folder, a large CSV) ends that much sooner. It waits for a `load` message; a command that does
 * not load a manifest leaves it idle, and it never keeps the process alive until it is taken.
 * Light on purpose: this module is imported before anything else of the command.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

const LOAD_WORKER_URL = new URL("./load-worker.js", import.meta.url);

/** `failed`: it failed or exited before it was taken; a new one then reports why. */
let warm: { worker: Worker; failed: boolean } | undefined;

let onWorker: boolean | undefined;

/** Whether loads run on a worker thread: the compiled worker exists (not under a test runner). */
export function loadsOnWorker(): boolean {
  onWorker ??= existsSync(fileURLToPath(LOAD_WORKER_URL));
  return onWorker;
}

/** Starts a loader worker now, if loads run on one and none is waiting already. */
export function warmLoader(): void {
  if (warm !== undefined || !loadsOnWorker()) return;
  const worker = new Worker(LOAD_WORKER_URL);
  const started = { worker, failed: false };
  worker.unref();
  // Whoever takes it listens for its errors; until then one marks it unusable.
  const failed = () => {
    started.failed = true;
  };
  worker.on("error", failed);
  worker.on("exit", failed);
  warm = started;
}

/** The warm loader worker, if one is waiting and alive (it keeps the process alive from now). */
function takeWarmLoader(): Worker | undefined {
  const taken = warm;
  warm = undefined;
  if (taken === undefined || taken.failed) return undefined;
  taken.worker.ref();
  return taken.worker;
}

/** A loader worker: the warm one, or a new one. */
export function loaderWorker(): Worker {
  return takeWarmLoader() ?? new Worker(LOAD_WORKER_URL);
}
