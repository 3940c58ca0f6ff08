/** The machine a run happened on, for the report's header. */
import { execFileSync } from "node:child_process";
import { cpus, release, totalmem, type } from "node:os";
import type { MachineInfo } from "./results.js";

export function describeMachine(cwd: string): MachineInfo {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd,
      encoding: "utf8",
    });
    if (dirty.trim() !== "") commit += " (with uncommitted changes)";
  } catch {
    // Not a git checkout: the report says "unknown".
  }
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? "unknown CPU",
    cores: cpuList.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    node: process.version,
    commit,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}
