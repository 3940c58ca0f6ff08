/**
 * The emulator in its own process (forked by ./emulator-host.ts), so that its CPU time is measured
 * apart from the tool's. Options come as JSON in argv[2]. Over IPC it answers `cpu` with its CPU
 * time so far (cheap, taken right before and after a measured run), `stats` with the request
 * stats (which scan the store, so never inside a measured window), and stops on `close`.
 */
import { type EmulatorOptions, type EmulatorStats, startEmulator } from "../src/emulator/index.js";

export type HostMessage =
  | { type: "cpu"; id: number }
  | { type: "stats"; id: number }
  | { type: "close" };

export type ChildMessage =
  | { type: "ready"; url: string }
  | { type: "cpu"; id: number; cpuMs: number }
  | { type: "stats"; id: number; stats: EmulatorStats };

const options = JSON.parse(process.argv[2] ?? "{}") as EmulatorOptions;
const emulator = await startEmulator({ ...options, port: 0, host: "127.0.0.1" });
const send = (message: ChildMessage) => process.send?.(message);

let closing = false;
async function stop(): Promise<void> {
  if (closing) return;
  closing = true;
  await emulator.close();
  if (process.connected) process.disconnect();
}

process.on("message", (message: HostMessage) => {
  if (message.type === "cpu") {
    const cpu = process.cpuUsage();
    send({ type: "cpu", id: message.id, cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (message.type === "stats") {
    send({ type: "stats", id: message.id, stats: emulator.stats() });
  } else if (message.type === "close") {
    void stop();
  }
});
// The runner went away: do not linger.
process.on("disconnect", () => void stop());
send({ type: "ready", url: emulator.url });
