/**
 * Ways to read and hash many small files, outside the loader (why src/manifest/files.ts reads
 * small images synchronously): stat + open + one read + close + sha256 of each file, done
 * synchronously or through the thread pool with N in flight (FileHandle, or fs.promises.readFile).
 *
 *   npx tsc -p tsconfig.bench.json
 *   node dist/bench/hash-read-modes.js DIR [4,8,16,32]
 *
 * DIR: any folder of files, e.g. the one bench/hash-folder.ts makes. Prints wall and CPU per mode.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { mapBounded } from "../src/util/pool.js";
import { sha256Hex } from "../src/util/sha256.js";

const [dir, lanes = "4,8,16,32"] = process.argv.slice(2);
if (dir === undefined) {
  console.error("usage: node dist/bench/hash-read-modes.js DIR [4,8,16,32]");
  process.exit(1);
}
const files = readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name));

async function measure(name: string, run: () => Promise<void> | void): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  console.log(
    `| ${name} | ${(wall / 1000).toFixed(3)} | ${((used.user + used.system) / 1e6).toFixed(3)} |`,
  );
}

console.log(`${files.length} files\n| mode | wall (s) | CPU (s) |\n|---|---:|---:|`);
await measure("sync, one reused buffer", () => {
  let buffer = Buffer.allocUnsafe(64 * 1024);
  for (const file of files) {
    const { size } = statSync(file);
    if (buffer.length < size + 1) buffer = Buffer.allocUnsafe(size + 1);
    const fd = openSync(file, "r");
    const read = readSync(fd, buffer, 0, size + 1, 0);
    closeSync(fd);
    sha256Hex(buffer.subarray(0, read));
  }
});
for (const n of lanes.split(",").map(Number)) {
  await measure(`FileHandle, ${n} in flight`, async () => {
    await mapBounded(files, n, async (file) => {
      const { size } = await stat(file);
      const handle = await open(file, "r");
      try {
        const buffer = Buffer.allocUnsafe(size + 1);
        const { bytesRead } = await handle.read(buffer, 0, size + 1, 0);
        sha256Hex(buffer.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    });
  });
  await measure(`stat + readFile, ${n} in flight`, async () => {
    await mapBounded(files, n, async (file) => {
      await stat(file);
      sha256Hex(await readFile(file));
    });
  });
}
