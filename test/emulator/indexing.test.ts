import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/emulator/index.js";
import { APP, emulator, PNG_1x1, type TestEmulator } from "./helpers.js";

/** A loopback image host: a PNG, a 404, a non-image, a slow response and a large one. */
let images: Server;
let base: string;
beforeAll(async () => {
  images = createServer((req, res) => {
    if (req.url === "/cat.png") {
      res.writeHead(200, { "content-type": "image/png" }).end(PNG_1x1);
    } else if (req.url === "/text.png") {
      res.writeHead(200, { "content-type": "image/png" }).end("this is not a png");
    } else if (req.url === "/slow.png") {
      setTimeout(() => res.writeHead(200).end(PNG_1x1), 5000);
    } else if (req.url === "/large.png") {
      res.writeHead(200).end(Buffer.concat([PNG_1x1, Buffer.alloc(5000)]));
    } else {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(async () => {
  images.closeAllConnections();
  await new Promise((resolve) => images.close(resolve));
});

const statusOf = async (emu: TestEmulator, id: string) =>
  (await emu.get(`${APP}/inputs/${id}`)).body.input.status.code;

describe("indexing lifecycle", () => {
  it("moves pending → in progress → success, and GetInputCount follows", async () => {
    // Time moves only when the test says: each step is observed exactly, on any machine.
    const clock = new ManualClock();
    const emu = await emulator({ indexDelayMs: 400, clock });
    try {
      await emu.post(`${APP}/inputs`, {
        inputs: [{ id: "life", data: { image: { url: "https://img.example.com/l.jpg" } } }],
      });
      const counts = async () => (await emu.get(`${APP}/inputs/status`)).body.counts;
      const modifiedAt = async () =>
        (await emu.get(`${APP}/inputs/life`)).body.input.modified_at as string;

      expect(await statusOf(emu, "life")).toBe(30001);
      expect(await counts()).toMatchObject({ to_process: 1, processing: 0, processed: 0 });
      const created = await modifiedAt();
      clock.advance(199);
      expect(await statusOf(emu, "life")).toBe(30001);

      // (+2: the store's clock adds a microsecond per write while time stands still.)
      clock.advance(2);
      expect(await statusOf(emu, "life")).toBe(30003);
      expect(await counts()).toMatchObject({ to_process: 0, processing: 1, processed: 0 });
      const started = await modifiedAt();
      expect(started > created).toBe(true);
      clock.advance(197);
      expect(await statusOf(emu, "life")).toBe(30003);

      clock.advance(2);
      expect(await statusOf(emu, "life")).toBe(30000);
      expect(await modifiedAt()).not.toBe(started);
      expect(await counts()).toMatchObject({
        to_process: 0,
        processing: 0,
        processed: 1,
        errors: 0,
      });
    } finally {
      await emu.close();
    }
  });

  it("fails inputs whose URL matches --fail-url, with a description", async () => {
    const emu = await emulator({ failUrl: "broken" });
    try {
      await emu.post(`${APP}/inputs`, {
        inputs: [{ id: "b", data: { image: { url: "https://img.example.com/broken.jpg" } } }],
      });
      const r = await emu.waitSettled("b");
      expect(r.body.input.status).toMatchObject({
        code: 30002,
        description: "Download failed; check URL",
      });
      expect((await emu.get(`${APP}/inputs/status`)).body.counts.errors).toBe(1);
    } finally {
      await emu.close();
    }
  });
});

describe("--download fetch", () => {
  it("succeeds for an image, fails on HTTP errors, non-images, timeouts and oversized bodies", async () => {
    const emu = await emulator({
      download: "fetch",
      // Long enough for a loaded machine to download the small files, far below slow.png's 5 s.
      downloadTimeoutMs: 1500,
      maxImageBytes: 1000,
    });
    try {
      const names = ["cat.png", "missing.png", "text.png", "slow.png", "large.png"];
      const r = await emu.post(`${APP}/inputs`, {
        inputs: names.map((name, i) => ({
          id: `f${i}`,
          data: { image: { url: `${base}/${name}` } },
        })),
      });
      expect(r.body.status.code).toBe(10000);
      const settled = await Promise.all(names.map((_, i) => emu.waitSettled(`f${i}`)));
      const [cat, missing, text, slow, large] = settled.map((s) => s.body.input);
      expect(cat.status.code).toBe(30000);
      expect(cat.data.image.image_info).toEqual({ width: 1, height: 1, format: "PNG" });
      expect(cat.data.image.hosted.suffix).toMatch(
        /^users\/acme\/apps\/catalog\/inputs\/image\/[0-9a-f]{32}$/,
      );
      expect(missing.status.code).toBe(30002);
      expect(missing.status.details).toContain("HTTP 404");
      expect(text.status.details).toContain("not return a supported image");
      expect(slow.status.details).toContain("timed out");
      expect(large.status.details).toContain("limit");
    } finally {
      await emu.close();
    }
  });

  it("--download skip never touches the network", async () => {
    const emu = await emulator();
    try {
      await emu.post(`${APP}/inputs`, {
        inputs: [{ id: "s", data: { image: { url: `${base}/missing.png` } } }],
      });
      expect((await emu.waitSettled("s")).body.input.status.code).toBe(30000);
    } finally {
      await emu.close();
    }
  });
});
