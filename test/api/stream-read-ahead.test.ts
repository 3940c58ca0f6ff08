/**
 * StreamInputs reads one page ahead from the last id written at the end of each answer's text,
 * checked against the parsed page: against a loopback server that answers by `last_id`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiClient, createClient } from "../../src/api/client.js";

const APP = "/v2/users/u/apps/a/inputs/stream";
const ids = ["a", "b", "c", "d", "e", "f", "g"];

interface Served {
  client: ApiClient;
  /** `last_id` of every request, in the order they came (undefined: the first page). */
  asked: (string | undefined)[];
  server: Server;
}

let served: Served | undefined;
afterEach(async () => {
  if (served === undefined) return;
  await served.client.close();
  served.server.closeAllConnections();
  await new Promise((resolve) => served?.server.close(resolve));
  served = undefined;
});

/** Pages of 2 of `ids` after `last_id`; `extra` adds members after `inputs` to each answer. */
async function serve(options: { extra?: string } = {}): Promise<Served> {
  const asked: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "", "http://x");
    if (url.pathname !== APP) {
      res.writeHead(404).end();
      return;
    }
    const last = url.searchParams.get("last_id") ?? undefined;
    asked.push(last);
    const from = last === undefined ? 0 : ids.indexOf(last) + 1;
    const page = ids
      .slice(from, from + 2)
      .map((id) => ({ id, data: { metadata: { note: "}]" } } }));
    const body = `{"status":{"code":10000},"inputs":${JSON.stringify(page)}${options.extra ?? ""}}`;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const client = createClient({
    apiBase: `http://127.0.0.1:${port}`,
    pat: "pat",
    userId: "u",
    appId: "a",
    retry: { sleep: async () => {}, random: () => 0.5 },
  });
  served = { client, asked, server };
  return served;
}

async function pagesOf(client: ApiClient): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of client.streamInputs({ perPage: 2 })) {
    pages.push(page.map((input) => input.id));
  }
  return pages;
}

describe("streamInputs reading ahead", () => {
  it("asks for each page once when the answers end with their inputs", async () => {
    const { client, asked } = await serve();
    expect(await pagesOf(client)).toEqual([["a", "b"], ["c", "d"], ["e", "f"], ["g"]]);
    expect(asked).toEqual([undefined, "b", "d", "f", "g"]);
    expect(client.stats.requests).toBe(5);
  });

  it("drops a wrong guess and asks again after the page's real last id", async () => {
    // Another list ends each answer: its last object's id is read as the guess.
    const { client, asked } = await serve({ extra: ',"hints":[{"id":"zz"}]' });
    expect(await pagesOf(client)).toEqual([["a", "b"], ["c", "d"], ["e", "f"], ["g"]]);
    // Every page was asked for after its real last id, whatever else was asked for.
    for (const last of ["b", "d", "f", "g"]) expect(asked).toContain(last);
    expect(asked.filter((last) => last !== "zz")).toEqual([undefined, "b", "d", "f", "g"]);
  });

  it("stops asking when the caller stops", async () => {
    const { client, asked } = await serve();
    for await (const page of client.streamInputs({ perPage: 2 })) {
      expect(page.map((input) => input.id)).toEqual(["a", "b"]);
      break;
    }
    // Give a request still in flight the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked.length).toBeLessThanOrEqual(2);
    expect(asked.slice(0, 1)).toEqual([undefined]);
  });
});
