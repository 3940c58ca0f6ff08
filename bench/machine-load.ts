/**
 * Other work on the machine: these are shared 2-core machines, and a test suite running beside a
 * benchmark skews it. Before each measured run we wait (within a budget) for the machine to be
 * quiet, and during it we measure how much CPU went to processes other than ours.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Other processes using more than this many cores during a measured run make it suspect. */
export const NOISY_LOAD = 0.3;

/** Milliseconds per clock tick of /proc/stat (USER_HZ is 100 on Linux). */
const TICK_MS = 10;

/** CPU time all processes have spent so far, from /proc/stat; `undefined` off Linux. */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>(
      (sum, v) => sum + (v ?? 0),
      0,
    );
    return Number.isFinite(ticks) ? ticks * TICK_MS : undefined;
  } catch {
    return undefined;
  }
}

/** A measured window: how busy the machine was beyond the processes we account for. */
export interface LoadWindow {
  /**
   * Ends the window. `ourCpuMs` is the CPU time our other processes (tool, baseline, emulator)
   * used in it; this process's own is subtracted here. Returns the rest, in cores (1 = one core).
   */
  end(ourCpuMs: number): number;
}

export function startLoadWindow(): LoadWindow {
  const busy = machineBusyMs();
  const self = process.cpuUsage();
  const started = performance.now();
  return {
    end(ourCpuMs) {
      const now = machineBusyMs();
      if (busy === undefined || now === undefined) return 0;
      const used = process.cpuUsage(self);
      const selfMs = (used.user + used.system) / 1000;
      const wall = performance.now() - started;
      return Math.max(0, (now - busy - ourCpuMs - selfMs) / wall);
    },
  };
}

/** How long a run may still wait for quiet, shared by the whole run. */
export interface QuietBudget {
  remainingMs: number;
}

/**
 * Waits until the machine has been nearly idle (below `threshold` cores) for one sampling window,
 * or up to `maxWaitMs`, or until the budget is spent. Returns the milliseconds waited.
 */
export async function waitForQuiet(
  budget: QuietBudget,
  options: { threshold?: number; windowMs?: number; maxWaitMs?: number } = {},
): Promise<number> {
  const threshold = options.threshold ?? 0.25;
  const windowMs = options.windowMs ?? 300;
  const maxWaitMs = Math.min(options.maxWaitMs ?? 15_000, budget.remainingMs);
  const started = performance.now();
  for (;;) {
    const before = machineBusyMs();
    const self = process.cpuUsage();
    await sleep(windowMs);
    const after = machineBusyMs();
    if (before === undefined || after === undefined) return 0;
    const used = process.cpuUsage(self);
    const load = (after - before - (used.user + used.system) / 1000) / windowMs;
    const waited = performance.now() - started;
    if (load < threshold || waited >= maxWaitMs) {
      budget.remainingMs = Math.max(0, budget.remainingMs - Math.max(0, waited - windowMs));
      return waited;
    }
  }
}
