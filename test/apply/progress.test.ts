import { describe, expect, it } from "vitest";
import { lineProgress } from "../../src/apply/progress.js";

describe("lineProgress (no terminal)", () => {
  it("prints at most one line per interval, plus one when a phase ends", () => {
    const lines: string[] = [];
    let t = 0;
    const sink = lineProgress((l) => lines.push(l), { everyMs: 5000, now: () => t });
    sink.onEvent({ type: "phase.start", phase: "create", total: 1000 });
    t = 1000;
    sink.onEvent({ type: "phase.progress", phase: "create", done: 128, failed: 0, total: 1000 });
    t = 2000;
    sink.onEvent({ type: "phase.progress", phase: "create", done: 256, failed: 0, total: 1000 });
    t = 6000;
    sink.onEvent({ type: "phase.progress", phase: "create", done: 768, failed: 1, total: 1000 });
    t = 8000;
    sink.onEvent({ type: "phase.end", phase: "create", done: 999, failed: 1, total: 1000 });
    expect(lines).toEqual([
      "created: 768/1000, 1 failed (128/s)",
      "created: 999/1000, 1 failed (125/s)",
    ]);
  });

  it("never prints the final line twice", () => {
    const lines: string[] = [];
    let t = 0;
    const sink = lineProgress((l) => lines.push(l), { everyMs: 5000, now: () => t });
    sink.onEvent({ type: "phase.start", phase: "wait", total: 300 });
    t = 6000;
    sink.onEvent({ type: "phase.progress", phase: "wait", done: 300, failed: 0, total: 300 });
    sink.onEvent({ type: "phase.end", phase: "wait", done: 300, failed: 0, total: 300 });
    sink.onEvent({ type: "phase.start", phase: "update", total: 2 });
    sink.onEvent({ type: "phase.end", phase: "update", done: 2, failed: 0, total: 2 });
    expect(lines).toEqual(["indexed: 300/300 (50/s)", "updated: 2/2 (2000/s)"]);
  });
});
