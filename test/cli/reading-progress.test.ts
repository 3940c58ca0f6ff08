import { describe, expect, it } from "vitest";
import { captureIO } from "../../src/cli/io.js";
import { type ProgressClock, readingProgress } from "../../src/cli/reading-progress.js";

/** A clock moved by hand; `every` timers fire as time passes. */
function manualClock() {
  let now = 0;
  const timers: { ms: number; next: number; tick: () => void; live: boolean }[] = [];
  const clock: ProgressClock = {
    now: () => now,
    every(ms, tick) {
      const timer = { ms, next: now + ms, tick, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (due === undefined) break;
      now = due.next;
      due.next += due.ms;
      due.tick();
    }
    now = end;
  };
  return { clock, advance, liveTimers: () => timers.filter((t) => t.live).length };
}

function terminal() {
  const written: string[] = [];
  const stream = {
    write: (text: string) => written.push(text),
  } as unknown as NodeJS.WritableStream;
  return { written, io: captureIO({ stderrIsTTY: true, colorErr: true, progressStream: stream }) };
}

describe("readingProgress on a terminal", () => {
  it("redraws one line in place as pages arrive, at most every 100 ms, and clears it at the end", () => {
    const { clock, advance } = manualClock();
    const { written, io } = terminal();
    const progress = readingProgress(io, clock);
    progress.read(1000);
    advance(50);
    progress.read(1000); // within 100 ms of the last draw: not drawn
    advance(60);
    progress.read(500);
    progress.stop();
    expect(written).toEqual([
      "\r\u001b[2KReading the app…",
      "\r\u001b[2KReading the app… 1,000 inputs",
      "\r\u001b[2KReading the app… 2,500 inputs",
      "\r\u001b[2K",
    ]);
    expect(io.stderr).toEqual([]);
  });
});

describe("readingProgress without a terminal", () => {
  it("says nothing for a short read", () => {
    const { clock, advance, liveTimers } = manualClock();
    const io = captureIO();
    const progress = readingProgress(io, clock);
    progress.read(1000);
    advance(4_900);
    progress.stop();
    advance(60_000);
    expect(io.stderr).toEqual([]);
    expect(liveTimers()).toBe(0);
  });

  it("prints one line every 5 s during a long read, and stops with it", () => {
    const { clock, advance } = manualClock();
    const io = captureIO({ stderrIsTTY: true, colorErr: false }); // a terminal with NO_COLOR: plain
    const progress = readingProgress(io, clock);
    progress.read(1000);
    advance(5_000);
    progress.read(1);
    advance(5_000);
    progress.stop();
    advance(20_000);
    expect(io.stderr).toEqual([
      "Reading the app… 1,000 inputs so far.",
      "Reading the app… 1,001 inputs so far.",
    ]);
  });
});
