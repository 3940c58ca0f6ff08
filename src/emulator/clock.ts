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

function isoPrefix(us: number): string {
  // "2025-03-04T10:15:22.894" — milliseconds from Date, the rest appended.
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 23);
}

function threeDigits(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

/** `2025-03-04T10:15:22.894006Z` */
export function formatMicros(us: number): string {
  return `${isoPrefix(us)}${threeDigits(us % 1000)}Z`;
}

/** `2025-03-04T10:15:22.894006174Z`: the stored microseconds plus sub-microsecond nanoseconds. */
export function formatNanos(us: number, extraNanos: number): string {
  return `${isoPrefix(us)}${threeDigits(us % 1000)}${threeDigits(extraNanos % 1000)}Z`;
}
