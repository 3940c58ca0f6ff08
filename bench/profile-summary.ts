/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time,
 * aggregated by name and location. `node dist/bench/profile-summary.js FILE [TOP]` prints them.
 */
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One function's share of a profile. */
export interface Hotspot {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

export function summariseProfile(profile: CpuProfile, top = 15, root = process.cwd()): Hotspot[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, Hotspot>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const frame = byNode.get(id)?.callFrame;
    if (frame === undefined) return;
    const file = shortPath(frame.url, root);
    const where = file === "" ? "" : `${file}:${frame.lineNumber + 1}`;
    const name = frame.functionName || "(anonymous)";
    const key = `${name}@${where}`;
    const entry = self.get(key) ?? { name, where, selfMs: 0, share: 0 };
    entry.selfMs += delta / 1000;
    self.set(key, entry);
  });
  const all = [...self.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  for (const entry of all) entry.share = total === 0 ? 0 : (entry.selfMs * 1000) / total;
  return all;
}

/** A script's path relative to `root`; dependencies from their `node_modules/` on. */
function shortPath(url: string, root: string): string {
  if (!url.startsWith("file://")) return url;
  const path = fileURLToPath(url);
  const dependency = path.lastIndexOf("node_modules/");
  return dependency >= 0 ? path.slice(dependency) : relative(root, path);
}

export async function readProfile(path: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(path, "utf8")) as CpuProfile;
}

export function formatHotspots(hotspots: Hotspot[]): string {
  return hotspots
    .map(
      (h) =>
        `${h.selfMs.toFixed(0).padStart(8)} ms ${(h.share * 100).toFixed(1).padStart(5)}%  ${h.name}  ${h.where}`,
    )
    .join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write("usage: node dist/bench/profile-summary.js FILE.cpuprofile [TOP]\n");
    process.exitCode = 1;
  } else {
    process.stdout.write(
      `${formatHotspots(summariseProfile(await readProfile(file), Number(top ?? 25)))}\n`,
    );
  }
}
