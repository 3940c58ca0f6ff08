/**
 * Preloaded into a measured child (`node --import dist/bench/rusage-hook.js …`): when the process
 * exits, however it exits, writes its own peak RSS and CPU time to `BENCH_RUSAGE_FILE`, so that
 * the figures cover that process alone (not the emulator, not the benchmark runner).
 */
import { writeFileSync } from "node:fs";

const out = process.env.BENCH_RUSAGE_FILE;
if (out) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({
        maxRssKb: usage.maxRSS,
        userUs: usage.userCPUTime,
        systemUs: usage.systemCPUTime,
      }),
    );
  });
}
