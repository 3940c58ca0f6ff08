import { afterEach, describe, expect, it } from "vitest";
import { type ApiClient, type ClientEvent, createClient } from "../../src/api/client.js";
import { ApiError } from "../../src/api/errors.js";
import type { ApiInput } from "../../src/api/types.js";
import { ManualClock, startEmulator } from "../../src/emulator/index.js";

/**
 * The real client against the real emulator over HTTP on 127.0.0.1. Backoff is real but short
 * (a few ms), so faults cost little time; there are no timing assertions.
 */
const TOKEN = "pat-emulator-SECRET-4f7c91";
const fastRetry = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 30 };

let toClose: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of toClose.reverse()) await close();
  toClose = [];
});

async function setup(
  emulatorOptions: Omit<Parameters<typeof startEmulator>[0], "port" | "db"> = {},
  clientOptions: { pat?: string; maxRps?: number; clock?: ManualClock } = {},
) {
  const emulator = await startEmulator({ port: 0, db: ":memory:", ...emulatorOptions });
  toClose.push(() => emulator.close());
  const events: ClientEvent[] = [];
  const client = createClient({
    apiBase: emulator.url,
    pat: clientOptions.pat ?? TOKEN,
    userId: "acme",
    appId: "catalog",
    maxRps: clientOptions.maxRps,
    retry: clientOptions.clock ? sharedClockRetry(clientOptions.clock) : fastRetry,
    onEvent: (e) => events.push(e),
  });
  toClose.push(() => client.close());
  return { emulator, client, events };
}

/**
 * Retry settings on the emulator's own ManualClock: the client's backoff "sleeps" by advancing
 * that clock, so the emulator's token bucket refills exactly by the time the client waited,
 * whatever the machine's speed.
 */
function sharedClockRetry(clock: ManualClock) {
  return {
    ...fastRetry,
    now: () => clock.nowMs(),
    sleep: async (ms: number) => {
      clock.advance(ms);
    },
    random: () => 0.5,
  };
}

const inputAt = (i: number): ApiInput => ({
  id: `in-${String(i).padStart(4, "0")}`,
  data: {
    image: { url: `https://img.example.com/${i}.jpg` },
    concepts: [{ id: "shoe", value: 1 }],
    metadata: { n: i },
  },
});

async function seed(client: ApiClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 128) {
    const batch = Array.from({ length: Math.min(128, count - start) }, (_, k) =>
      inputAt(start + k),
    );
    const res = await client.postInputs(batch);
    // A POST whose reply was lost is retried: the repeat finds its own ids taken. That is why a
    // POST with explicit ids is safe to retry; every other per-input failure is a real one.
    const failed = res.inputs.filter((i) => ![30000, 30001, 30003].includes(i.status?.code ?? 0));
    for (const input of failed)
      expect(input.status?.details ?? input.status?.description).toMatch(/duplicate/i);
    ids.push(...batch.map((b) => b.id));
  }
  return ids;
}

async function streamIds(client: ApiClient, perPage?: number) {
  const pages: string[][] = [];
  for await (const page of client.streamInputs(perPage === undefined ? {} : { perPage })) {
    pages.push(page.map((input) => input.id));
  }
  return pages;
}

describe("client ↔ emulator", () => {
  it("streams back what was posted, oldest first, with data as posted", async () => {
    const { client } = await setup();
    const ids = await seed(client, 300);
    const pages = await streamIds(client);
    expect(pages).toEqual([ids]);
    const one = await client.getInput("in-0007");
    expect(one?.data?.metadata).toEqual({ n: 7 });
    expect(one?.data?.concepts?.map((c) => [c.id, c.value])).toEqual([["shoe", 1]]);
    expect(await client.getInput("never-posted")).toBeUndefined();
    const listed = await client.listInputsByIds(["in-0001", "nope", "in-0002"]);
    expect(listed.map((i) => i.id).sort()).toEqual(["in-0001", "in-0002"]);
    const counts = await client.getInputCount();
    expect(counts.processed + counts.to_process + counts.processing + counts.errors).toBe(300);
  });

  it("pagination boundary: exactly one page", async () => {
    const { client } = await setup();
    const ids = await seed(client, 5);
    const before = client.stats.requests;
    expect(await streamIds(client, 5)).toEqual([ids]);
    // A full page asks once more and gets an empty one.
    expect(client.stats.requests - before).toBe(2);
  });

  it("pagination boundary: one page + 1", async () => {
    const { client } = await setup();
    const ids = await seed(client, 6);
    const before = client.stats.requests;
    expect(await streamIds(client, 5)).toEqual([ids.slice(0, 5), ids.slice(5)]);
    // Only an empty page ends the stream (a short one might be a server-side cap).
    expect(client.stats.requests - before).toBe(3);
  });

  it("an empty app streams no page", async () => {
    const { client } = await setup();
    expect(await streamIds(client)).toEqual([]);
  });

  it("patches and deletes", async () => {
    const { client } = await setup();
    await seed(client, 3);
    const patched = await client.patchInputs(
      [{ id: "in-0001", data: { metadata: { n: 1, split: "train" } } }],
      "overwrite",
    );
    expect(patched.inputs[0]?.data?.metadata).toEqual({ n: 1, split: "train" });
    await client.deleteInputs(["in-0000", "in-0002"]);
    // Deletion is asynchronous in the API; the ids may linger for a moment.
    for (let i = 0; i < 100 && (await client.getInput("in-0000")) !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await client.getInput("in-0000")).toBeUndefined();
  });

  it("a batch with a duplicate id resolves with per-input statuses", async () => {
    const { client } = await setup();
    await seed(client, 1);
    const res = await client.postInputs([
      { ...inputAt(0), data: { image: { url: "https://img.example.com/other.jpg" } } },
      inputAt(1),
    ]);
    expect(res.status.code).toBe(10010);
    expect(res.inputs.map((i) => i.id)).toEqual(["in-0000", "in-0001"]);
    expect(res.inputs[0]?.status?.code).not.toBe(30001);
  });

  it("429s during the stream are retried and every input comes back exactly once", async () => {
    // Time stands still but for the client's waits: 20 requests/s allows a burst of 20, so the
    // stream's 21 pages (plus the POST) must meet 429s and wait for tokens.
    const clock = new ManualClock();
    const { client, events, emulator } = await setup({ rateLimit: 20, clock }, { clock });
    const ids = await seed(client, 40);
    const pages = await streamIds(client, 2);
    expect(pages.flat()).toEqual(ids);
    expect(emulator.stats().throttled).toBeGreaterThan(0);
    expect(events.some((e) => e.type === "retry" && e.reason.startsWith("HTTP 429"))).toBe(true);
    expect(events.some((e) => e.type === "throttled")).toBe(true);
  });

  it("5xx faults during the stream are retried and every input comes back exactly once", async () => {
    const { client, events } = await setup({ faultRate: 0.3, seed: 7 });
    const ids = await seed(client, 60);
    const pages = await streamIds(client, 3);
    expect(pages.flat()).toEqual(ids);
    expect(events.some((e) => e.type === "retry" && /^HTTP 5\d\d/.test(e.reason))).toBe(true);
  });

  it("a wrong token fails at once with a clear ApiError that does not contain it", async () => {
    const { client } = await setup({ pat: "the-right-token" }, { pat: TOKEN });
    const error = await streamIds(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ httpStatus: 401, retryable: false, attempts: 1 });
    expect([11008, 11009, 11002]).toContain((error as ApiError).statusCode);
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
    expect(text).not.toContain(TOKEN);
    expect((error as Error).message).toMatch(
      /^the API refused the credentials: GET \/v2\/users\/acme\/apps\/catalog\/inputs\/stream failed: HTTP 401, CONN_/,
    );
  });
});
