/**
 * Preloaded into a measured child beside rusage-hook.js: at exit, writes the bytes the process
 * read through read(2) (`rchar` of /proc/self/io, Linux only) to `BENCH_IO_FILE`.
 */
import { readFileSync, writeFileSync } from "node:fs";

const out = process.env.BENCH_IO_FILE;
if (out) {
  process.on("exit", () => {
    let rchar = -1;
    try {
      rchar = Number(/^rchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? -1);
    } catch {
      // Not Linux: unknown.
    }
    writeFileSync(out, JSON.stringify({ rchar }));
  });
}
