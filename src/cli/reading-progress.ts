import type { InputsApi } from "../api/client-types.js";
import { formatCount } from "../plan/estimate.js";
import type { CliIO } from "./io.js";

/** The clock and timer of {@link readingProgress}, injected so tests never wait. */
export interface ProgressClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

const systemClock: ProgressClock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** How often a terminal line is redrawn at most, and how often plain output says where it is. */
const REDRAW_MS = 100;
const PLAIN_EVERY_MS = 5_000;
const CLEAR_LINE = "\r\u001b[2K";

export interface ReadingProgress {
  /** Counts inputs read. */
  read(count: number): void;
  /** Stops the display and clears its line, before the result is printed. */
  stop(): void;
}

/**
 * `Reading the app… N inputs` while the live app streams in. On a terminal (stderr a TTY, colour
 * allowed) one line is redrawn in place and cleared at the end; otherwise, for reads that last
 * longer than a few seconds, a plain line every 5 s on stderr, as CI logs want.
 */
export function readingProgress(io: CliIO, clock: ProgressClock = systemClock): ReadingProgress {
  let total = 0;
  const stream = io.progressStream;
  if (io.stderrIsTTY && io.colorErr && stream !== undefined) {
    let lastDraw = Number.NEGATIVE_INFINITY;
    let drawn = false;
    let counted = false;
    const draw = (text: string) => {
      stream.write(`${CLEAR_LINE}${text}`);
      drawn = true;
      lastDraw = clock.now();
    };
    draw("Reading the app…");
    return {
      read(count) {
        total += count;
        // The first count is drawn at once; later ones at most every REDRAW_MS.
        if (!counted || clock.now() - lastDraw >= REDRAW_MS) {
          draw(`Reading the app… ${inputs(total)}`);
          counted = true;
        }
      },
      stop() {
        if (drawn) stream.write(CLEAR_LINE);
        drawn = false;
      },
    };
  }
  const cancel = clock.every(PLAIN_EVERY_MS, () =>
    io.err(`Reading the app… ${inputs(total)} so far.`),
  );
  return {
    read(count) {
      total += count;
    },
    stop: cancel,
  };
}

function inputs(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "input" : "inputs"}`;
}

/** `api` whose StreamInputs pages are counted by `progress` as they arrive. */
export function countingReads(api: InputsApi, progress: ReadingProgress): InputsApi {
  return {
    ...api,
    streamInputs: async function* (options) {
      for await (const page of api.streamInputs(options)) {
        progress.read(page.length);
        yield page;
      }
    },
  };
}
