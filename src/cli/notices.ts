import type { ClientEvent } from "../api/client.js";

/**
 * Turns the client's retry and throttle events into notices a person can follow, without
 * flooding the log in a storm: at most one line per `everyMs`, saying how many retries it covers.
 */
export function clientNotices(
  write: (line: string) => void,
  options: { everyMs?: number; now?: () => number } = {},
): (event: ClientEvent) => void {
  const everyMs = options.everyMs ?? 5000;
  const now = options.now ?? Date.now;
  let last = Number.NEGATIVE_INFINITY;
  let unreported = 0;
  return (event) => {
    // An unreachable host is retried only briefly and then reported as one clear error.
    if (event.type === "retry" && event.kind === "unreachable") return;
    if (event.type === "retry") unreported++;
    if (now() - last < everyMs) return;
    last = now();
    if (event.type === "throttled") {
      write(`The API is throttling requests; slowing down to ${formatRps(event.rps)} requests/s.`);
      return;
    }
    const others = unreported > 1 ? ` (${unreported} retries since the last notice)` : "";
    unreported = 0;
    write(
      `Retrying ${event.method} ${event.path} in ${(event.delayMs / 1000).toFixed(1)} s after ${event.reason}${others}.`,
    );
  };
}

function formatRps(rps: number): string {
  return rps >= 10 ? String(Math.round(rps)) : rps.toFixed(1);
}
