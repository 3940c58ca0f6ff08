import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientEvent, createClient } from "../../src/api/client.js";
import { ApiError, NetworkError } from "../../src/api/errors.js";
import { input, mockApi, ok, TOKEN } from "./mock-api.js";

/** Everything a user, a log or a crash report could see of an error. */
function exposure(error: unknown, events: ClientEvent[] = []): string {
  const e = error as Error;
  return [
    String(e),
    e.message,
    e.stack ?? "",
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
    String(e.cause),
    JSON.stringify(events),
  ].join("\n");
}

const noWait = { sleep: async () => {}, random: () => 0.5 };

/** A loopback server that answers each request with `handle`. */
async function serve(handle: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<string> {
  const server = await serve(() => {});
  const url = urlOf(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

describe("real sockets on 127.0.0.1", () => {
  let hang: Server;
  let stall: Server;
  beforeAll(async () => {
    hang = await serve(() => {}); // never answers
    stall = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":'); // then nothing
    });
  });
  afterAll(async () => {
    hang.closeAllConnections();
    stall.closeAllConnections();
    await Promise.all([hang, stall].map((s) => new Promise((r) => s.close(r))));
  });

  it("an unreachable API base fails after a few attempts with a clear NetworkError", async () => {
    const apiBase = await closedPort();
    const events: ClientEvent[] = [];
    const client = createClient({
      apiBase,
      pat: TOKEN,
      userId: "u",
      appId: "a",
      retry: noWait,
      onEvent: (e) => events.push(e),
    });
    try {
      const error = await client.getInputCount().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ kind: "refused", errorCode: "ECONNREFUSED", attempts: 3 });
      expect((error as NetworkError).message).toBe(
        `cannot reach ${apiBase}: connection refused (GET /v2/users/u/apps/a/inputs/status, after 3 attempts)`,
      );
      expect(events.filter((e) => e.type === "retry")).toHaveLength(2);
      expect(exposure(error, events)).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });

  it("a server that never answers times out, is retried, and fails with the timeout named", async () => {
    const client = createClient({
      apiBase: urlOf(hang),
      pat: TOKEN,
      userId: "u",
      appId: "a",
      requestTimeoutMs: 150,
      retry: { ...noWait, maxAttempts: 2 },
    });
    try {
      const error = await client.getInput("x").catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "headers-timeout", attempts: 2, retryable: true });
      expect((error as Error).message).toMatch(/no response within 150 ms/);
      expect(exposure(error)).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });

  it("a body that stalls times out", async () => {
    const client = createClient({
      apiBase: urlOf(stall),
      pat: TOKEN,
      userId: "u",
      appId: "a",
      requestTimeoutMs: 150,
      retry: { ...noWait, maxAttempts: 1 },
    });
    try {
      const error = await client.getInputCount().catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "body-timeout" });
      expect(exposure(error)).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  });
});

describe("the token never leaks", () => {
  it("not from bodies that echo it, transport errors, unmatched mocks or retry events", async () => {
    const { client, reply, fail, events, agent } = mockApi({ retry: { maxAttempts: 2 } });
    const errors: unknown[] = [];
    const grab = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable(),
        (e) => errors.push(e),
      );

    reply(401, {
      status: { code: 11008, description: `API key ${TOKEN} not found`, details: TOKEN },
    });
    await grab(client.getInputCount());
    reply(502, `<h1>Bad gateway</h1> Authorization: Key ${TOKEN}`, {}, 2);
    await grab(client.getInput("a"));
    fail("ECONNRESET", `reset while sending Key ${TOKEN}`, 2);
    await grab(client.postInputs([input("a")]));
    await grab(client.deleteInputs(["nothing-intercepts-this"])); // MockAgent quotes headers
    reply(429, { status: { code: 11005, req_id: TOKEN } }, { "retry-after": "1" });
    reply(200, ok({ inputs: [] }));
    await client.listInputsByIds(["a"]);

    expect(errors).toHaveLength(4);
    expect(errors[0]).toBeInstanceOf(ApiError);
    expect((errors[0] as ApiError).message).toContain('"API key [redacted] not found: [redacted]"');
    expect((errors[1] as ApiError).bodySnippet).toContain("Key [redacted]");
    expect(errors[2]).toMatchObject({ kind: "reset", attempts: 2 });
    expect(errors[3]).toBeInstanceOf(NetworkError);
    for (const error of errors) expect(exposure(error, events)).not.toContain(TOKEN);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    await agent.close();
  });
});
