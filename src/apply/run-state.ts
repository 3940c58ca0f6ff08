import type { InputsApi } from "../api/client-types.js";
import { ApiError, NetworkError } from "../api/errors.js";
import { type ApplyEvent, type ApplyPhase, type ApplyReport, emptyApplyReport } from "./types.js";

/** Whole requests failing in a row, after the client's retries, before apply stops taking work. */
const MAX_CONSECUTIVE_REQUEST_FAILURES = 3;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A request that failed even after the client's retries because the API or network is down. */
function isOutage(error: unknown): boolean {
  return (error instanceof ApiError && error.retryable) || error instanceof NetworkError;
}

/**
 * What the phases of one apply share: the report being filled, which ids are settled, the stop
 * signal (the user's, or the outage breaker's), and each phase's tally. Progress and end events
 * are emitted here and nowhere else.
 */
export class RunState {
  readonly report: ApplyReport = emptyApplyReport();
  /** Ids whose change is finished, successfully or not. */
  readonly settled = new Set<string>();
  /** Aborts on the user's signal, or when the API looks down (see `requestFailed`). */
  readonly #stop = new AbortController();
  readonly #tally = new Map<ApplyPhase, { done: number; failed: number; total: number }>();
  readonly #onEvent: ((event: ApplyEvent) => void) | undefined;
  #failuresInARow = 0;

  constructor(
    readonly api: InputsApi,
    readonly concurrency: number,
    options: { signal?: AbortSignal | undefined; onEvent?: ((e: ApplyEvent) => void) | undefined },
  ) {
    this.#onEvent = options.onEvent;
    const interrupted = () => {
      this.report.stopped ??= { kind: "interrupted" };
      this.#stop.abort();
    };
    if (options.signal?.aborted) interrupted();
    options.signal?.addEventListener("abort", interrupted, { once: true });
  }

  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  /** What `runBounded` needs: the concurrency and the stop signal. */
  get lanes(): { concurrency: number; signal: AbortSignal } {
    return { concurrency: this.concurrency, signal: this.#stop.signal };
  }

  retryEvent(ids: number): void {
    this.#onEvent?.({ type: "batch.retry", ids, reason: "input-status" });
  }

  begin(phase: ApplyPhase, total: number): void {
    this.#tally.set(phase, { done: 0, failed: 0, total });
    this.#onEvent?.({ type: "phase.start", phase, total });
  }

  /** Counts `done` more of the phase's items as done and shows it. */
  advance(phase: ApplyPhase, done: number): void {
    const tally = this.#tally.get(phase);
    if (tally === undefined) return;
    tally.done += done;
    this.#onEvent?.({ type: "phase.progress", phase, ...tally });
  }

  /** Shows an estimate of the phase's done items (never going backwards). */
  estimate(phase: ApplyPhase, done: number): void {
    const tally = this.#tally.get(phase);
    if (tally === undefined || done <= tally.done) return;
    this.advance(phase, done - tally.done);
  }

  end(phase: ApplyPhase): void {
    const tally = this.#tally.get(phase);
    if (tally !== undefined) this.#onEvent?.({ type: "phase.end", phase, ...tally });
  }

  fail(id: string, phase: ApplyPhase, description: string, code?: number): void {
    this.settled.add(id);
    const tally = this.#tally.get(phase);
    if (tally !== undefined) tally.failed++;
    this.report.failed.push({ id, phase, code, description });
  }

  requestSucceeded(): void {
    this.#failuresInARow = 0;
  }

  /**
   * A whole request failed after the client's retries. When that keeps happening the API (or the
   * network) is down: stop taking new work rather than fail every remaining batch for hours.
   */
  requestFailed(error: unknown): void {
    if (!isOutage(error)) return;
    this.#failuresInARow++;
    if (this.#failuresInARow >= MAX_CONSECUTIVE_REQUEST_FAILURES && !this.stopped) {
      this.report.stopped = {
        kind: "api-failing",
        requestsInARow: this.#failuresInARow,
        lastError: errorText(error),
      };
      this.#stop.abort();
    }
  }
}
