import cliProgress from "cli-progress";
import type { ApplyEvent, ApplyPhase } from "./types.js";

const LABELS: Record<ApplyPhase, string> = {
  delete: "deleted",
  "confirm-delete": "delete confirmed",
  create: "created",
  update: "updated",
  wait: "indexed",
};

const RETRY_WORDS: Record<Extract<ApplyEvent, { type: "batch.retry" }>["reason"], string> = {
  "input-status": "a retryable per-input status",
};

export interface ProgressSink {
  onEvent(event: ApplyEvent): void;
  /** Prints a notice (a retry, throttling) without garbling the display. */
  notice(line: string): void;
  /** Stops redrawing; call before printing the final summary. */
  stop(): void;
}

/**
 * Live progress on a terminal: one bar per phase with count, rate and ETA, on stderr.
 * Only used when stderr is a TTY and colours/animation are allowed.
 */
export function ttyProgress(stream: NodeJS.WritableStream): ProgressSink {
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WritableStream & { isTTY: boolean },
      clearOnComplete: false,
      hideCursor: true,
      format: (options, params, payload: { label: string; failed: number; rate: number }) => {
        const bar = cliProgress.Format.BarFormat(params.progress, options);
        const remaining = params.total - params.value;
        const eta =
          remaining <= 0
            ? "done"
            : payload.rate > 0
              ? `ETA ${formatSeconds(remaining / payload.rate)}`
              : "";
        const failed = payload.failed > 0 ? `, ${payload.failed} failed` : "";
        return ` ${payload.label} |${bar}| ${params.value}/${params.total}${failed}  ${payload.rate}/s  ${eta}`;
      },
      barsize: 24,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<ApplyPhase, { bar: cliProgress.SingleBar; started: number }>();
  return {
    onEvent(event) {
      if (event.type === "batch.retry") return;
      let entry = bars.get(event.phase);
      if (entry === undefined) {
        const bar = multi.create(event.total, 0, {
          label: LABELS[event.phase].padEnd(16),
          failed: 0,
          rate: "0",
        });
        entry = { bar, started: Date.now() };
        bars.set(event.phase, entry);
      }
      if (event.type === "phase.start") return;
      const seconds = Math.max((Date.now() - entry.started) / 1000, 0.001);
      entry.bar.update(event.done, {
        failed: event.failed,
        rate: (event.done / seconds).toFixed(0),
      });
    },
    notice(line) {
      if (bars.size === 0) stream.write(`${line}\n`);
      else multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

/**
 * Progress without a terminal (CI logs): one plain line every `everyMs` at most, plus one line
 * when each phase ends.
 */
export function lineProgress(
  write: (line: string) => void,
  options: { everyMs?: number; now?: () => number } = {},
): ProgressSink {
  const everyMs = options.everyMs ?? 5000;
  const now = options.now ?? Date.now;
  const started = new Map<ApplyPhase, number>();
  /** What the last line of each phase showed, so the end line never repeats it. */
  const shown = new Map<ApplyPhase, string>();
  let last = 0;
  const line = (e: Extract<ApplyEvent, { done: number }>) => {
    const seconds = Math.max((now() - (started.get(e.phase) ?? now())) / 1000, 0.001);
    const rate = Math.round(e.done / seconds);
    const failed = e.failed > 0 ? `, ${e.failed} failed` : "";
    return `${LABELS[e.phase]}: ${e.done}/${e.total}${failed} (${rate}/s)`;
  };
  return {
    onEvent(event) {
      if (event.type === "batch.retry") {
        write(`retrying ${event.ids} inputs (${RETRY_WORDS[event.reason]})`);
        return;
      }
      if (event.type === "phase.start") {
        started.set(event.phase, now());
        last = now();
        return;
      }
      const counts = `${event.done}/${event.failed}/${event.total}`;
      if (event.type === "phase.end" ? shown.get(event.phase) === counts : now() - last < everyMs) {
        return;
      }
      last = now();
      shown.set(event.phase, counts);
      write(line(event));
    },
    notice: write,
    stop() {},
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${Math.round(seconds % 60)}s`
    : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
