import type { CliIO, StopSignal } from "./io.js";

/**
 * Listens for SIGINT and SIGTERM for the life of a command: the first one aborts `signal` and is
 * remembered in `received` (a second one quits at once, see `CliIO.onInterrupt`). `onStop` runs
 * once, on the first signal. Call `dispose` when the command ends.
 */
export function listenForStop(io: CliIO): {
  signal: AbortSignal;
  readonly received: StopSignal | undefined;
  onStop(handler: (signal: StopSignal) => void): void;
  dispose(): void;
} {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  let handler: ((signal: StopSignal) => void) | undefined;
  const dispose = io.onInterrupt((signal) => {
    if (received !== undefined) return;
    received = signal;
    controller.abort();
    handler?.(signal);
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    onStop(next) {
      handler = next;
    },
    dispose,
  };
}

/** The one line `apply` prints when a signal stops it before it wrote anything. */
export const STOPPED_BEFORE_WRITING =
  "Interrupted before anything was written; nothing was changed.";

/** The one line `plan` prints when a signal stops it while it reads the app. */
export const STOPPED_WHILE_READING = "Interrupted while reading the app; no plan was made.";
