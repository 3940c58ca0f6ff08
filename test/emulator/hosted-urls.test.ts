import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/emulator/index.js";
import { APP, type ApiResult, emulator, PNG_1x1, type TestEmulator } from "./helpers.js";
import { checkJson } from "./proto-json.js";

/**
 * `hostedUrls` (`--hosted-urls on|off`): what replies show for inputs uploaded as bytes, and the
 * emulator's own hosting of those bytes under `/_hosted/…` (reference datasets §9a, §10.2).
 * Time is driven by a ManualClock: indexing happens exactly when the test advances it.
 */
const INDEX_DELAY_MS = 100;
const SUFFIX = /^users\/acme\/apps\/catalog\/inputs\/image\/[0-9a-f]{32}$/;
const upload = (id: string, bytes: Buffer = PNG_1x1) => ({
  id,
  data: { image: { base64: bytes.toString("base64") }, metadata: { k: id } },
});
const byUrl = (id: string) => ({
  id,
  data: { image: { url: `https://img.example.com/${id}.jpg` } },
});

async function started(hostedUrls: "on" | "off", pat?: string) {
  const clock = new ManualClock();
  const emu = await emulator({
    hostedUrls,
    clock,
    indexDelayMs: INDEX_DELAY_MS,
    ...(pat ? { pat } : {}),
  });
  return { emu, clock };
}

/** The reply is exactly the proto message, in canonical proto3 JSON. */
function expectProtoShape(typeName: string, r: ApiResult) {
  const { problems } = checkJson(typeName, r.body, { canonical: true, timestampDigits: [6, 9] });
  expect(problems, r.text).toEqual([]);
}

/** The image of input `id` as GetInput, ListInputs (by id) and StreamInputs show it. */
async function imagesOf(emu: TestEmulator, id: string) {
  const get = (await emu.get(`${APP}/inputs/${id}`)).body.input.data.image;
  const list = (await emu.get(`${APP}/inputs?ids=${id}`)).body.inputs[0].data.image;
  const stream = (await emu.get(`${APP}/inputs/stream?per_page=1000`)).body.inputs.find(
    (i: { id: string }) => i.id === id,
  ).data.image;
  return { get, list, stream };
}

describe("--hosted-urls on", () => {
  it("answers a byte upload with a hosted URL in every reply, never with base64", async () => {
    const { emu, clock } = await started("on");
    try {
      const posted = await emu.post(`${APP}/inputs`, { inputs: [upload("up-1")] });
      expect(posted.status).toBe(200);
      const image = posted.body.inputs[0].data.image;
      expect(image.hosted).toEqual({
        prefix: `${emu.url}/_hosted`,
        suffix: expect.stringMatching(SUFFIX),
        sizes: ["orig"],
        crossorigin: "use-credentials",
      });
      expect(image.url).toBe(`${image.hosted.prefix}/orig/${image.hosted.suffix}`);
      expect(image.base64).toBeUndefined();
      expect(posted.text).not.toContain(PNG_1x1.toString("base64"));
      expectProtoShape("clarifai.api.MultiInputResponse", posted);

      const pending = await imagesOf(emu, "up-1");
      expect(pending).toEqual({ get: image, list: image, stream: image });

      clock.advance(INDEX_DELAY_MS);
      const indexed = await imagesOf(emu, "up-1");
      expect(indexed.get).toEqual({
        url: image.url,
        hosted: { ...image.hosted, sizes: ["orig", "tiny", "small", "large"] },
        image_info: { width: 1, height: 1, format: "PNG" },
      });
      expect(indexed.list).toEqual(indexed.get);
      expect(indexed.stream).toEqual(indexed.get);
      expectProtoShape("clarifai.api.SingleInputResponse", await emu.get(`${APP}/inputs/up-1`));

      const patched = await emu.patch(`${APP}/inputs`, {
        action: "merge",
        inputs: [{ id: "up-1", data: { metadata: { more: 1 } } }],
      });
      expect(patched.body.inputs[0].data.image).toEqual(indexed.get);
      expectProtoShape("clarifai.api.MultiInputResponse", patched);
      expect(patched.body.inputs[0].data.metadata).toEqual({ k: "up-1", more: 1 });
    } finally {
      await emu.close();
    }
  });

  it("keeps a URL input's own URL; its hosted copy, once indexed, is under the emulator", async () => {
    const { emu, clock } = await started("on");
    try {
      const posted = await emu.post(`${APP}/inputs`, { inputs: [byUrl("u-1")] });
      expect(posted.body.inputs[0].data.image).toEqual({
        url: "https://img.example.com/u-1.jpg",
      });
      clock.advance(INDEX_DELAY_MS);
      const { get } = await imagesOf(emu, "u-1");
      expect(get.url).toBe("https://img.example.com/u-1.jpg");
      expect(get.hosted.prefix).toBe(`${emu.url}/_hosted`);
    } finally {
      await emu.close();
    }
  });

  it("serves the uploaded bytes at the hosted URL in every size, with a key", async () => {
    const { emu, clock } = await started("on", "the-pat");
    const auth = { authorization: "Key the-pat" };
    try {
      const posted = await emu.call("POST", `${APP}/inputs`, {
        body: { inputs: [upload("up-2")] },
        headers: auth,
      });
      const { url, hosted } = posted.body.inputs[0].data.image;
      // Fetchable before indexing, as the upload is stored at once.
      const early = await fetch(url, { headers: auth });
      expect(early.status).toBe(200);
      expect(Buffer.from(await early.arrayBuffer())).toEqual(PNG_1x1);
      clock.advance(INDEX_DELAY_MS);
      for (const size of ["orig", "tiny", "small", "large"]) {
        const r = await fetch(`${hosted.prefix}/${size}/${hosted.suffix}`, { headers: auth });
        expect(r.status).toBe(200);
        expect(r.headers.get("content-type")).toBe("image/png");
        expect(Buffer.from(await r.arrayBuffer())).toEqual(PNG_1x1);
      }
    } finally {
      await emu.close();
    }
  });

  it("refuses the hosted URL without credentials (404) and with a wrong key (401)", async () => {
    const { emu } = await started("on", "the-pat");
    try {
      const posted = await emu.call("POST", `${APP}/inputs`, {
        body: { inputs: [upload("up-3")] },
        headers: { authorization: "Key the-pat" },
      });
      const { url, hosted } = posted.body.inputs[0].data.image;
      expect((await fetch(url)).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: "Bearer the-pat" } })).status).toBe(404);
      expect((await fetch(url, { headers: { authorization: "Key wrong" } })).status).toBe(401);
      const ok = { headers: { authorization: "Key the-pat" } };
      expect((await fetch(`${hosted.prefix}/huge/${hosted.suffix}`, ok)).status).toBe(404);
      const otherApp = url.replace("/apps/catalog/", "/apps/other/");
      expect((await fetch(otherApp, ok)).status).toBe(404);
      expect((await fetch(`${url.slice(0, -4)}ffff`, ok)).status).toBe(404);
    } finally {
      await emu.close();
    }
  });

  it("stops serving an upload once its input is deleted", async () => {
    const { emu } = await started("on");
    try {
      const posted = await emu.post(`${APP}/inputs`, { inputs: [upload("up-4")] });
      const { url } = posted.body.inputs[0].data.image;
      const auth = { headers: { authorization: "Key any" } };
      expect((await fetch(url, auth)).status).toBe(200);
      expect((await emu.del(`${APP}/inputs/up-4`)).status).toBe(200);
      expect((await fetch(url, auth)).status).toBe(404);
    } finally {
      await emu.close();
    }
  });
});

describe("--hosted-urls off (today's default)", () => {
  it("shows no URL for a byte upload, and after indexing only the API's hosted prefix", async () => {
    const { emu, clock } = await started("off");
    try {
      const posted = await emu.post(`${APP}/inputs`, { inputs: [upload("off-1")] });
      expect(posted.body.inputs[0].data.image).toEqual({});
      expect((await imagesOf(emu, "off-1")).get).toEqual({});
      clock.advance(INDEX_DELAY_MS);
      const { get, list, stream } = await imagesOf(emu, "off-1");
      expect(get).toEqual({
        hosted: {
          prefix: "https://data.clarifai.com",
          suffix: expect.stringMatching(SUFFIX),
          sizes: ["orig", "tiny", "small", "large"],
          crossorigin: "use-credentials",
        },
        image_info: { width: 1, height: 1, format: "PNG" },
      });
      expect(list).toEqual(get);
      expect(stream).toEqual(get);
    } finally {
      await emu.close();
    }
  });
});
