import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiLimits } from "../../src/api/types.js";
import { ManualClock } from "../../src/emulator/index.js";
import { APP, emulator, PNG_1x1, type TestEmulator, urlInput } from "./helpers.js";

/**
 * What real clients send that a strict proto parser might not expect (boolean concept values,
 * `__proto__` keys, absurdly deep JSON), and the one image size limit at both of its edges.
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(async () => {
  await emu.close();
});

const conceptsOf = async (id: string) =>
  (await emu.get(`${APP}/inputs/${id}`)).body.input.data.concepts.map(
    (c: { id: string; value: number }) => [c.id, c.value],
  );

describe("concept values given as JSON booleans", () => {
  it("are stored as 1/0 on POST and on PATCH", async () => {
    const posted = await emu.post(`${APP}/inputs`, {
      inputs: [
        urlInput("bool-1", "bool-1", {
          concepts: [
            { id: "train", value: true },
            { id: "car", value: false },
          ],
        }),
      ],
    });
    expect(posted.status).toBe(200);
    expect(await conceptsOf("bool-1")).toEqual([
      ["train", 1],
      ["car", 0],
    ]);
    const patched = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [
        {
          id: "bool-1",
          data: {
            concepts: [
              { id: "train", value: false },
              { id: "bus", value: true },
            ],
          },
        },
      ],
    });
    expect(patched.status).toBe(200);
    expect(await conceptsOf("bool-1")).toEqual([
      ["train", 0],
      ["car", 0],
      ["bus", 1],
    ]);
  });

  it("other non-numbers are still a format error", async () => {
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [urlInput("bool-2", "bool-2", { concepts: [{ id: "x", value: "yes" }] })],
    });
    expect(r.status).toBe(400);
    expect(r.body.status.code).toBe(11100);
  });
});

describe("deeply nested JSON", () => {
  const nested = (depth: number, open: string, close: string, leaf: string) =>
    `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
  const deepObject = nested(10_000, '{"a":', "}", "1");
  const deepArray = nested(10_000, "[", "]", "1");

  it.each([
    ["metadata 10,000 objects deep", deepObject],
    ["a metadata list 10,000 lists deep", `{"list":${deepArray}}`],
  ])("%s: POST and PATCH get 400 / 11100, never a 5xx", async (_, metadata) => {
    const post = await emu.call("POST", `${APP}/inputs`, {
      raw: `{"inputs":[{"id":"deep","data":{"image":{"url":"https://img.example.com/deep.jpg"},"metadata":${metadata}}}]}`,
    });
    expect(post.status).toBe(400);
    expect(post.body.status.code).toBe(11100);
    expect(post.body.status.details).toContain("deeper than");
    const patch = await emu.call("PATCH", `${APP}/inputs`, {
      raw: `{"action":"merge","inputs":[{"id":"deep","data":{"metadata":${metadata}}}]}`,
    });
    expect(patch.status).toBe(400);
    expect(patch.body.status.code).toBe(11100);
  });

  it("a top-level list nested 10,000 deep is refused the same way", async () => {
    const r = await emu.call("POST", `${APP}/inputs`, { raw: `{"inputs":${deepArray}}` });
    expect(r.status).toBe(400);
    expect(r.body.status.code).toBe(11100);
  });

  it("metadata nested 50 deep is fine, and comes back as sent", async () => {
    const metadata = JSON.parse(nested(50, '{"a":', "}", "[1,[2,[3]]]"));
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [urlInput("deep-ok", "deep-ok", { metadata })],
    });
    expect(r.status).toBe(200);
    expect((await emu.get(`${APP}/inputs/deep-ok`)).body.input.data.metadata).toEqual(metadata);
  });
});

describe("metadata keys named __proto__ and constructor", () => {
  // Sent as raw JSON: an object literal with __proto__ would set a prototype in the test itself.
  const metadataOf = async (id: string) =>
    JSON.parse((await emu.get(`${APP}/inputs/${id}`)).text).input.data.metadata;

  it("are ordinary data through POST, GET and every PATCH action", async () => {
    const post = await emu.call("POST", `${APP}/inputs`, {
      raw: `{"inputs":[{"id":"proto-1","data":{"image":{"url":"https://img.example.com/proto-1.jpg"},
        "metadata":{"__proto__":{"polluted":true,"keep":1},"constructor":{"name":"x"},"plain":1}}}]}`,
    });
    expect(post.status).toBe(200);
    expect(post.text).toContain('"__proto__":{"polluted":true,"keep":1}');
    let metadata = await metadataOf("proto-1");
    expect(Object.keys(metadata)).toEqual(["__proto__", "constructor", "plain"]);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(JSON.stringify(metadata)).toBe(
      '{"__proto__":{"polluted":true,"keep":1},"constructor":{"name":"x"},"plain":1}',
    );

    // merge: deep-merges into the existing __proto__ key, adds one to constructor
    await emu.call("PATCH", `${APP}/inputs`, {
      raw: `{"action":"merge","inputs":[{"id":"proto-1","data":{"metadata":{"__proto__":{"added":2},"constructor":{"more":3}}}}]}`,
    });
    metadata = await metadataOf("proto-1");
    expect(JSON.stringify(metadata)).toBe(
      '{"__proto__":{"polluted":true,"keep":1,"added":2},"constructor":{"name":"x","more":3},"plain":1}',
    );

    // remove: a true leaf deletes the key inside __proto__; the whole constructor key goes
    await emu.call("PATCH", `${APP}/inputs`, {
      raw: `{"action":"remove","inputs":[{"id":"proto-1","data":{"metadata":{"__proto__":{"polluted":true},"constructor":true}}}]}`,
    });
    metadata = await metadataOf("proto-1");
    expect(JSON.stringify(metadata)).toBe('{"__proto__":{"keep":1,"added":2},"plain":1}');

    // merge into an input without the key creates it as data
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("proto-2")] });
    await emu.call("PATCH", `${APP}/inputs`, {
      raw: `{"action":"merge","inputs":[{"id":"proto-2","data":{"metadata":{"__proto__":{"x":1}}}}]}`,
    });
    expect(JSON.stringify(await metadataOf("proto-2"))).toBe('{"__proto__":{"x":1}}');

    // overwrite: exactly what is sent
    await emu.call("PATCH", `${APP}/inputs`, {
      raw: `{"action":"overwrite","inputs":[{"id":"proto-1","data":{"metadata":{"constructor":1,"__proto__":null}}}]}`,
    });
    expect(JSON.stringify(await metadataOf("proto-1"))).toBe('{"constructor":1,"__proto__":null}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the image size limit (ApiLimits.maxImageBytes, exclusive)", () => {
  /** A PNG of exactly `size` bytes (a valid header, then padding). */
  const pngOfSize = (size: number) => Buffer.concat([PNG_1x1, Buffer.alloc(size - PNG_1x1.length)]);
  const limit = ApiLimits.maxImageBytes;

  it("refuses uploaded bytes of exactly the limit (30105) and accepts one byte less", async () => {
    const at = await emu.post(`${APP}/inputs`, {
      inputs: [
        { id: "at-limit", data: { image: { base64: pngOfSize(limit).toString("base64") } } },
      ],
    });
    expect(at.body.inputs[0].status.code).toBe(30105);
    expect(at.body.inputs[0].status.details).toContain(String(limit));
    const under = await emu.post(`${APP}/inputs`, {
      inputs: [
        { id: "under-limit", data: { image: { base64: pngOfSize(limit - 1).toString("base64") } } },
      ],
    });
    expect(under.status).toBe(200);
    expect(under.body.inputs[0].status.code).toBe(30001);
  });

  describe("--download fetch", () => {
    let images: Server;
    let base: string;
    beforeAll(async () => {
      const atLimit = pngOfSize(limit);
      const underLimit = pngOfSize(limit - 1);
      images = createServer((req, res) => {
        if (req.url === "/at.png") res.end(atLimit);
        else if (req.url === "/under.png") res.end(underLimit);
        else if (req.url === "/at-chunked.png") {
          // No content-length: the limit is found while the body streams in.
          res.writeHead(200, { "transfer-encoding": "chunked" });
          res.write(atLimit.subarray(0, limit / 2));
          res.end(atLimit.subarray(limit / 2));
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      images.closeAllConnections();
      await new Promise((resolve) => images.close(resolve));
    });

    it("fails a download of exactly the limit and indexes one byte less", async () => {
      const clock = new ManualClock();
      const fetching = await emulator({ download: "fetch", clock, indexDelayMs: 100 });
      try {
        const r = await fetching.post(`${APP}/inputs`, {
          inputs: ["at", "at-chunked", "under"].map((name) => ({
            id: name,
            data: { image: { url: `${base}/${name}.png` } },
          })),
        });
        expect(r.body.status.code).toBe(10000);
        clock.advance(50); // pending → in progress: the downloads start
        const statusOf = async (id: string) =>
          (await fetching.get(`${APP}/inputs/${id}`)).body.input.status;
        // The downloads run on real sockets; each one, once done, makes its input due at once.
        for (let i = 0; i < 1000; i++) {
          clock.advance(50);
          const codes = await Promise.all(["at", "at-chunked", "under"].map(statusOf));
          if (codes.every((s) => s.code !== 30003)) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const [at, chunked, under] = await Promise.all(["at", "at-chunked", "under"].map(statusOf));
        expect(at).toMatchObject({ code: 30002, details: expect.stringContaining(String(limit)) });
        expect(chunked).toMatchObject({
          code: 30002,
          details: expect.stringContaining(String(limit)),
        });
        expect(under.code).toBe(30000);
      } finally {
        await fetching.close();
      }
    });
  });
});
