/**
 * Time in the emulator: integer microseconds since the epoch (what the API's database keeps), and
 * the two RFC 3339 renderings the API shows — 6 fractional digits for stored values, 9 for the
 * in-memory time a write reply carries (see README "Timestamps").
 */

/** A strictly increasing microsecond clock, so that every write gets a distinct `modified_at`. */
export class MicrosClock {
  private last = 0;

  now(): number {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
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
