/**
 * Time in the emulator: integer microseconds since the epoch (what the API's database keeps), and
 * the two RFC 3339 renderings the API shows — 6 fractional digits for stored values, 9 for the
 * in-memory time a write reply carries (see README "Timestamps").
 */

/**
 * Where the emulator reads the time and sets its timers. Everything time-driven in the emulator
 * (indexing, delayed deletion, the rate limit's rolling second, the request log) goes through one of
 * these, so that a test can drive time explicitly (`ManualClock`) instead of waiting for it.
 */
export interface EmulatorClock {
  /** Milliseconds since the epoch; fractions allowed. */
  nowMs(): number;
  /** Calls `fn` once `ms` of this clock's time have passed; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The machine's clock; its timers never keep the process alive. */
export const systemClock: EmulatorClock = {
  nowMs: () => performance.timeOrigin + performance.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

interface ManualTimer {
  at: number;
  order: number;
  fn: () => void;
}

/** A clock that only moves when told to: `advance(ms)` runs the timers that fall due, in order. */
export class ManualClock implements EmulatorClock {
  private now: number;
  private timers: ManualTimer[] = [];
  private order = 0;

  /** Starts at `startMs` (default 2025-01-01T00:00:00Z). */
  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: ManualTimer = { at: this.now + Math.max(0, ms), order: this.order++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, running each timer at its own time (timers they set included). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.now = Math.max(this.now, next.at);
      next.fn();
    }
    this.now = end;
  }
}

/** A strictly increasing microsecond clock, so that every write gets a distinct `modified_at`. */
export class MicrosClock {
  private last = 0;

  constructor(private readonly clock: EmulatorClock = systemClock) {}

  now(): number {
    const us = Math.floor(this.clock.nowMs() * 1000);
    this.last = us > this.last ? us : this.last + 1;
    return this.last;
  }
}

// Rendering a page formats thousands of nearby times: cache the whole-second part.
let cachedSecond = Number.NaN;
let cachedSecondText = "";

/** `2025-03-04T10:15:22` for `us` (the whole seconds, through Date once per second). */
function secondsPart(us: number): string {
  const second = Math.floor(us / 1_000_000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedSecondText = new Date(second * 1000).toISOString().slice(0, 19);
  }
  return cachedSecondText;
}

function digits(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** `2025-03-04T10:15:22.894006Z` */
export function formatMicros(us: number): string {
  return `${secondsPart(us)}.${digits(us % 1_000_000, 6)}Z`;
}

/** `2025-03-04T10:15:22.894006174Z`: the stored microseconds plus sub-microsecond nanoseconds. */
export function formatNanos(us: number, extraNanos: number): string {
  return `${secondsPart(us)}.${digits(us % 1_000_000, 6)}${digits(extraNanos % 1000, 3)}Z`;
}
