/**
 * Starts the emulator in a child process (./emulator-child.ts) and reads its CPU time and request
 * stats between measured runs.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EmulatorOptions, EmulatorStats } from "../src/emulator/index.js";
import type { ChildMessage, HostMessage } from "./emulator-child.js";

const CHILD = fileURLToPath(new URL("./emulator-child.js", import.meta.url));

export interface EmulatorProcess {
  url: string;
  /** CPU time (user + system) the emulator process has used so far. */
  cpuMs(): Promise<number>;
  stats(): Promise<EmulatorStats>;
  close(): Promise<void>;
}

/** Node flags of the emulator process, e.g. `--cpu-prof`. */
export interface EmulatorProcessOptions {
  nodeFlags?: string[];
}

export async function startEmulatorProcess(
  options: EmulatorOptions,
  processOptions: EmulatorProcessOptions = {},
): Promise<EmulatorProcess> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: processOptions.nodeFlags ?? [],
  });
  let nextId = 0;
  const waiting = new Map<number, (message: ChildMessage) => void>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the emulator exited early (code ${code})`)));
    child.on("message", (message: ChildMessage) => {
      if (message.type === "ready") resolve(message.url);
      else waiting.get(message.id)?.(message);
    });
  });
  const ask = (type: "cpu" | "stats") =>
    new Promise<ChildMessage>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error("the emulator process is gone"));
        return;
      }
      const id = nextId++;
      waiting.set(id, (message) => {
        waiting.delete(id);
        resolve(message);
      });
      child.send({ type, id } satisfies HostMessage);
    });
  return {
    url,
    cpuMs: async () => {
      const message = await ask("cpu");
      if (message.type !== "cpu") throw new Error("unexpected answer from the emulator");
      return message.cpuMs;
    },
    stats: async () => {
      const message = await ask("stats");
      if (message.type !== "stats") throw new Error("unexpected answer from the emulator");
      return message.stats;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      if (child.connected) child.send({ type: "close" } satisfies HostMessage);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
