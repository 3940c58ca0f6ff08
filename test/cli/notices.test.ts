import { describe, expect, it } from "vitest";
import { clientNotices } from "../../src/cli/notices.js";

describe("clientNotices", () => {
  it("prints at most one line per interval and counts the retries it covers", () => {
    const lines: string[] = [];
    let t = 0;
    const notify = clientNotices((l) => lines.push(l), { everyMs: 5000, now: () => t });
    const retry = {
      type: "retry" as const,
      method: "POST",
      path: "/v2/users/u/apps/a/inputs",
      attempt: 1,
      delayMs: 1500,
      reason: "HTTP 503",
      kind: "server" as const,
    };
    notify(retry);
    t = 1000;
    notify(retry);
    notify(retry);
    t = 6000;
    notify({ ...retry, delayMs: 4000 });
    t = 12000;
    notify({ type: "throttled", rps: 7.5 });
    expect(lines).toEqual([
      "Retrying POST /v2/users/u/apps/a/inputs in 1.5 s after HTTP 503.",
      "Retrying POST /v2/users/u/apps/a/inputs in 4.0 s after HTTP 503 (3 retries since the last notice).",
      "The API is throttling requests; slowing down to 7.5 requests/s.",
    ]);
  });
});

describe("clientNotices for an unreachable host", () => {
  it("stays quiet: the error that follows says it all", () => {
    const lines: string[] = [];
    const notify = clientNotices((l) => lines.push(l));
    notify({
      type: "retry",
      method: "GET",
      path: "/v2/x",
      attempt: 1,
      delayMs: 900,
      reason: "connection refused",
      kind: "unreachable",
    });
    notify({
      type: "retry",
      method: "GET",
      path: "/v2/x",
      attempt: 2,
      delayMs: 900,
      reason: "host name not found",
      kind: "unreachable",
    });
    expect(lines).toEqual([]);
  });
});
