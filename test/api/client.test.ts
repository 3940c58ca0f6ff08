import { afterEach, describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../../src/api/errors.js";
import { input, mockApi, ok } from "./mock-api.js";

const APP = "/v2/users/u/apps/a";
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});
function api(options: Parameters<typeof mockApi>[0] = {}) {
  const m = mockApi(options);
  cleanup.push(() => m.agent.close());
  return m;
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe("requests", () => {
  it("addresses the app by its full path and sends the key", async () => {
    const { client, reply, seen } = api({ userId: "me and/you", appId: "ä" });
    reply(200, ok({ input: input("x") }));
    await client.getInput("id/with space");
    expect(seen[0]).toMatchObject({
      method: "GET",
      path: "/v2/users/me%20and%2Fyou/apps/%C3%A4/inputs/id%2Fwith%20space",
    });
    expect(seen[0]?.headers.authorization).toBe("Key pat-Zq9SECRETx7Kw3");
  });

  it("keeps a path prefix of the API base", async () => {
    const { client, reply, seen } = api({ apiBase: "https://api.example.com/proxy/" });
    reply(200, ok({ counts: { processed: 3, to_process: "2" } }));
    const counts = await client.getInputCount();
    expect(seen[0]?.path).toBe("/proxy/v2/users/u/apps/a/inputs/status");
    expect(counts).toEqual({
      processed: 3,
      to_process: 2,
      errors: 0,
      processing: 0,
      reindexed: 0,
      to_reindex: 0,
      reindex_errors: 0,
      reindexing: 0,
    });
  });

  it("lists by ids with repeated ids= and per_page = the number of ids", async () => {
    const { client, reply, seen } = api();
    reply(200, ok({ inputs: [input("b")] }));
    expect(await client.listInputsByIds(["a", "b", "c&d"])).toEqual([input("b")]);
    expect(seen[0]?.path).toBe(`${APP}/inputs?page=1&per_page=3&ids=a&ids=b&ids=c%26d`);
    expect(await client.listInputsByIds([])).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it("deletes with a JSON body on DELETE", async () => {
    const { client, reply, seen } = api();
    reply(200, ok());
    await client.deleteInputs(["a", "b"]);
    expect(seen[0]).toMatchObject({
      method: "DELETE",
      path: `${APP}/inputs`,
      body: { ids: ["a", "b"] },
    });
    expect(seen[0]?.headers["content-type"]).toBe("application/json");
  });

  it("patches with the action", async () => {
    const { client, reply, seen } = api();
    reply(200, ok({ inputs: [input("a")] }));
    const res = await client.patchInputs([{ id: "a", data: { metadata: { k: 1 } } }], "overwrite");
    expect(seen[0]).toMatchObject({
      method: "PATCH",
      body: { inputs: [{ id: "a", data: { metadata: { k: 1 } } }], action: "overwrite" },
    });
    expect(res.inputs).toEqual([input("a")]);
  });

  it("refuses batches over the API's limit before sending", async () => {
    const { client, seen } = api();
    const many = Array.from({ length: 129 }, (_, i) => ({ id: `i${i}` }));
    await expect(client.postInputs(many)).rejects.toThrow(RangeError);
    await expect(client.deleteInputs(many.map((i) => i.id))).rejects.toThrow(RangeError);
    expect(seen).toHaveLength(0);
  });
});

describe("outcomes read from the body", () => {
  it("getInput is undefined for CONN_DOES_NOT_EXIST, whatever the HTTP status", async () => {
    const { client, reply } = api();
    reply(404, { status: { code: 11101, description: "Resource does not exist" } });
    reply(200, { status: { code: "CONN_DOES_NOT_EXIST" } });
    expect(await client.getInput("gone")).toBeUndefined();
    expect(await client.getInput("gone")).toBeUndefined();
  });

  it("resolves post batches for MIXED_STATUS and for a FAILURE with per-input statuses", async () => {
    const { client, reply } = api();
    const mixed = {
      status: { code: 10010, description: "Mixed Success" },
      inputs: [input("a"), { id: "b", status: { code: "INPUT_DUPLICATE", description: "dup" } }],
    };
    reply(207, mixed);
    reply(400, { status: { code: 10020 }, inputs: [{ id: "b", status: { code: 30100 } }] });
    const first = await client.postInputs([{ id: "a" }, { id: "b" }]);
    expect(first.status.code).toBe(10010);
    // Enum names are read as numbers, per input too.
    expect(first.inputs[1]?.status?.code).toBe(30100);
    const second = await client.postInputs([{ id: "b" }]);
    expect(second.status.code).toBe(10020);
  });

  it("throws for a FAILURE without per-input statuses, and for SUCCESS-less HTTP 200s", async () => {
    const { client, reply } = api();
    reply(400, { status: { code: 10020, description: "Failure" }, inputs: [] });
    await expect(client.postInputs([{ id: "a" }])).rejects.toMatchObject({
      httpStatus: 400,
      statusCode: 10020,
      retryable: false,
    });
    reply(200, { status: { code: 11102, description: "Invalid request" } });
    await expect(client.getInputCount()).rejects.toMatchObject({ statusCode: 11102 });
  });

  it("errors carry HTTP status, code, name, description, details, req_id and a readable line", async () => {
    const { client, reply } = api();
    reply(401, {
      status: {
        code: 11008,
        description: "API key not found",
        details: "check the key",
        req_id: "5d0f3b8a2c9e4f71b6a0d4e2c8f1a937",
      },
      inputs: [],
    });
    const error = await collect(client.streamInputs()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: "api-error",
      method: "GET",
      path: `${APP}/inputs/stream`,
      httpStatus: 401,
      statusCode: 11008,
      statusName: "CONN_KEY_INVALID",
      description: "API key not found",
      details: "check the key",
      reqId: "5d0f3b8a2c9e4f71b6a0d4e2c8f1a937",
      retryable: false,
      attempts: 1,
    });
    expect((error as ApiError).message).toBe(
      `the API refused the credentials: GET ${APP}/inputs/stream failed: HTTP 401, CONN_KEY_INVALID (11008) "API key not found: check the key" (req_id 5d0f3b8a2c9e4f71b6a0d4e2c8f1a937)`,
    );
    expect((error as ApiError).hint).toMatch(/--pat/);
  });
});

describe("streamInputs", () => {
  it("pages with last_id at the largest page size and goes on past a short page until an empty one", async () => {
    const { client, reply, seen } = api();
    const full = Array.from({ length: 1000 }, (_, i) => input(`p1-${i}`));
    reply(200, ok({ inputs: full }));
    reply(200, ok({ inputs: [input("p2-0")] }));
    reply(200, ok({ inputs: [] }));
    const pages = await collect(client.streamInputs());
    expect(pages.map((p) => p.length)).toEqual([1000, 1]);
    expect(seen.map((r) => r.path)).toEqual([
      `${APP}/inputs/stream?per_page=1000`,
      `${APP}/inputs/stream?per_page=1000&last_id=p1-999`,
      `${APP}/inputs/stream?per_page=1000&last_id=p2-0`,
    ]);
  });

  it("fails instead of looping when the API ignores last_id", async () => {
    const { client, reply } = api();
    reply(200, ok({ inputs: [input("a")] }));
    reply(200, ok({ inputs: [input("a")] }));
    await expect(collect(client.streamInputs({ perPage: 5 }))).rejects.toThrow(
      'did not advance past last_id "a"',
    );
  });

  it("stops on an empty page and yields nothing for an empty app", async () => {
    const { client, reply, seen } = api();
    reply(200, ok({ inputs: [input("a"), input("b")] }));
    reply(200, ok({ inputs: [] }));
    expect(await collect(client.streamInputs({ perPage: 2 }))).toEqual([[input("a"), input("b")]]);
    reply(200, ok({ inputs: [] }));
    expect(await collect(client.streamInputs({ perPage: 2 }))).toEqual([]);
    expect(seen).toHaveLength(3);
  });

  it("does not guess when the API refuses the page size", async () => {
    const { client, reply } = api();
    reply(400, { status: { code: 11102, description: "per_page too large" }, inputs: [] });
    await expect(collect(client.streamInputs())).rejects.toMatchObject({ statusCode: 11102 });
    await expect(collect(client.streamInputs({ perPage: 1001 }))).rejects.toThrow(RangeError);
  });
});

describe("retries", () => {
  it("retries a 429 after the Retry-After delay, and reports it", async () => {
    const { client, reply, sleeps, events, seen } = api();
    reply(
      429,
      { status: { code: 11005, description: "Making too many requests" }, inputs: [] },
      { "retry-after": "3" },
    );
    reply(200, ok({ inputs: [] }));
    await collect(client.streamInputs());
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([3000]);
    expect(events).toContainEqual({
      type: "retry",
      method: "GET",
      path: `${APP}/inputs/stream`,
      attempt: 1,
      delayMs: 3000,
      reason: "HTTP 429 CONN_THROTTLED (11005)",
      kind: "throttled",
    });
    expect(events).toContainEqual({ type: "throttled", rps: 1 });
    expect(client.stats).toEqual({ requests: 2, retries: 1 });
  });

  it("retries 5xx, connection resets and non-JSON bodies with backoff", async () => {
    const { client, reply, fail, sleeps, events } = api();
    reply(503, "<html>Service Unavailable</html>", { "content-type": "text/html" });
    fail("ECONNRESET", "read ECONNRESET");
    reply(200, "{ truncated");
    fail("UND_ERR_SOCKET", "other side closed");
    reply(500, { status: { code: 98004, description: "internal" } });
    reply(200, ok({ input: input("a") }));
    expect(await client.getInput("a")).toEqual(input("a"));
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(events.map((e) => (e.type === "retry" ? e.reason : e.type))).toEqual([
      "HTTP 503",
      "connection reset",
      "HTTP 200",
      "connection reset",
      "HTTP 500 INTERNAL_SERVER_ISSUE (98004)",
    ]);
  });

  it("retries POST and PATCH too: both carry explicit ids", async () => {
    const { client, reply, seen } = api();
    reply(502, "bad gateway");
    reply(200, ok({ inputs: [input("a")] }));
    await client.postInputs([{ id: "a" }]);
    expect(seen.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  it("does not retry 401 or 400", async () => {
    const { client, reply, seen, sleeps } = api();
    reply(401, { status: { code: 11008, description: "API key not found" } });
    await expect(client.getInputCount()).rejects.toMatchObject({ httpStatus: 401 });
    reply(400, { status: { code: 11102, description: "Invalid request" } });
    await expect(client.deleteInputs(["a"])).rejects.toMatchObject({ httpStatus: 400 });
    reply(404, "<html>not found</html>", { "content-type": "text/html" });
    await expect(client.getInputCount()).rejects.toThrow(
      `GET ${APP}/inputs/status failed: HTTP 404, unexpected body "<html>not found</html>"`,
    );
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const { client, reply, seen } = api({ retry: { maxAttempts: 4 } });
    reply(503, { status: { code: 40031, description: "unavailable" }, inputs: [] }, {}, 10);
    const error = await client.getInputCount().catch((e: unknown) => e);
    expect(seen).toHaveLength(4);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe(
      `GET ${APP}/inputs/status failed: HTTP 503, RPC_SERVER_UNAVAILABLE (40031) "unavailable" (after 4 attempts)`,
    );
    expect(client.stats).toEqual({ requests: 4, retries: 3 });
  });

  it("a transport error that is not transient fails at once with a redacted reason", async () => {
    const { client, fail } = api();
    fail("UND_ERR_INVALID_ARG", "invalid header");
    const error = await client.getInputCount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toBe(
      `cannot reach https://api.example.com: invalid header (GET ${APP}/inputs/status)`,
    );
  });

  it("an abort stops the request without wrapping the reason", async () => {
    const { client, reply } = api();
    reply(503, "down");
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    controller.abort(reason);
    await expect(client.getInputCount({ signal: controller.signal })).rejects.toBe(reason);
  });
});
