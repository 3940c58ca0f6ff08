/**
 * Declared inputs arriving while the app is read: a loader (on a worker thread) appends chunks
 * to the index and finally completes or fails the feed; the planner matches live inputs as the
 * chunks arrive. No I/O.
 */
import type { DesiredChunk, DesiredIndex } from "../manifest/desired-index.js";

export class DesiredFeed {
  private listeners: (() => void)[] = [];
  private settled = false;
  private failure: { error: unknown } | undefined;
  /** Resolves when the index is complete; rejects with the load's error. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;

  constructor(readonly index: DesiredIndex) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Observed by whoever awaits it; an unobserved failure must not crash the process.
    this.done.catch(() => undefined);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** The load failed (its error), if it did. */
  get failed(): { error: unknown } | undefined {
    return this.failure;
  }

  append(chunk: DesiredChunk): void {
    if (this.settled) throw new Error("append() after the feed settled");
    try {
      this.index.append(chunk);
    } catch (error) {
      // A chunk the index refuses (a repeated id: a loader bug) fails the load, not the process.
      this.fail(error);
      return;
    }
    this.notify();
  }

  complete(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone();
    this.notify();
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = { error };
    this.rejectDone(error);
    this.notify();
  }

  /** Resolves at the next append, completion or failure. */
  changed(): Promise<void> {
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  private notify(): void {
    const waiting = this.listeners;
    this.listeners = [];
    for (const resolve of waiting) resolve();
  }
}
