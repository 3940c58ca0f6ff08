import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP, emulator, PNG_1x1, type TestEmulator, urlInput } from "./helpers.js";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

const RFC3339_9 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;
const RFC3339_6 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe("PostInputs", () => {
  it("accepts inputs as pending, echoing data with filled concepts and no allow_duplicate_url", async () => {
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [
        {
          id: "sku-0001",
          data: {
            image: { url: "https://img.example.com/0001.jpg", allow_duplicate_url: true },
            concepts: [{ id: "shoe", value: 1 }, { id: "boot", value: 0 }, { id: "lace" }],
            metadata: { sku: "0001", tags: ["summer"] },
          },
        },
      ],
      inputs_add_job_id: "3c1f0d8e9b7a4f26a1d2c3b4e5f60718",
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(r.body.status).toMatchObject({ code: 10000, description: "Ok" });
    expect(r.body.status.req_id).toMatch(/^[0-9a-f]{32}$/);
    const [input] = r.body.inputs;
    expect(input.id).toBe("sku-0001");
    expect(input.data).toEqual({
      image: { url: "https://img.example.com/0001.jpg" },
      concepts: [
        { id: "shoe", name: "shoe", value: 1, app_id: "catalog" },
        { id: "boot", name: "boot", value: 0, app_id: "catalog" },
        { id: "lace", name: "lace", value: 1, app_id: "catalog" },
      ],
      metadata: { sku: "0001", tags: ["summer"] },
    });
    expect(input.status).toEqual({ code: 30001, description: "Download pending" });
    expect(input.created_at).toMatch(RFC3339_9);
    expect(input.modified_at).toBe(input.created_at);
    const stored = await emu.get(`${APP}/inputs/sku-0001`);
    expect(stored.body.input.created_at).toMatch(RFC3339_6);
    expect(input.created_at.slice(0, 26)).toBe(stored.body.input.created_at.slice(0, 26));
  });

  it("generates 32-hex ids when none is given and omits empty fields", async () => {
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [{ data: { image: { url: "https://img.example.com/gen.jpg" } } }],
    });
    expect(r.status).toBe(200);
    const [input] = r.body.inputs;
    expect(input.id).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(input.data)).toEqual(["image"]);
  });

  it("accepts lowerCamelCase field names and enum names", async () => {
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [
        {
          id: "camel-1",
          data: { image: { url: "https://img.example.com/camel.jpg", allowDuplicateUrl: true } },
        },
      ],
      inputsAddJobId: "",
      inputIdConflictResolution: "SKIP",
    });
    expect(r.body.status.code).toBe(10000);
  });

  it("answers MIXED_STATUS (207) with a status per input when some fail", async () => {
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("mix-0")] });
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [
        urlInput("mix-1"),
        urlInput("mix-0", "other"), // duplicate id
        urlInput("x".repeat(49)), // id too long
        urlInput("bad id"), // bad characters
        { id: "mix-2", data: { image: { url: "https://img.example.com/mix-0.jpg" } } }, // duplicate URL
        { id: "mix-3", data: { image: { url: "ftp://img.example.com/a.jpg" } } }, // bad URL
        { id: "mix-4", data: { concepts: [{ id: "a" }] } }, // no image
        { id: "mix-5", data: { image: { base64: "!!not base64!!" } } },
        { id: "mix-6", data: { text: { raw: "hello" } } },
        urlInput("mix-1", "again"), // repeated inside the request
      ],
    });
    expect(r.status).toBe(207);
    expect(r.body.status.code).toBe(10010);
    const codes = r.body.inputs.map((i: { status: { code: number } }) => i.status.code);
    expect(codes).toEqual([30001, 30100, 39999, 39999, 30100, 30106, 30104, 30300, 30101, 30100]);
    expect(r.body.inputs[1].status.details).toBe("Input has a duplicate ID.");
    expect(r.body.inputs[2].status.details).toBe("id must be between 1 and 48 characters long");
    expect(r.body.inputs[4].status.description).toBe(
      "Duplicate URL in your application. Check the documentation to allow duplications.",
    );
    expect(r.body.inputs[1].created_at).toBeUndefined();
    // The stored input with the duplicate id is untouched.
    const original = await emu.get(`${APP}/inputs/mix-0`);
    expect(original.body.input.data.image.url).toBe("https://img.example.com/mix-0.jpg");
  });

  it("answers FAILURE (400) with per-input statuses when every input fails", async () => {
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("all-0")] });
    const r = await emu.post(`${APP}/inputs`, { inputs: [urlInput("all-0", "z")] });
    expect(r.status).toBe(400);
    expect(r.body.status.code).toBe(10020);
    expect(r.body.inputs).toHaveLength(1);
    expect(r.body.inputs[0].status.code).toBe(30100);
  });

  it("refuses a URL already in the app unless allow_duplicate_url, also within one request", async () => {
    const url = "https://img.example.com/dup.jpg";
    const first = await emu.post(`${APP}/inputs`, {
      inputs: [
        { id: "dup-1", data: { image: { url } } },
        { id: "dup-2", data: { image: { url } } },
        { id: "dup-3", data: { image: { url, allow_duplicate_url: true } } },
      ],
    });
    expect(first.body.inputs.map((i: { status: { code: number } }) => i.status.code)).toEqual([
      30001, 30100, 30001,
    ]);
    const again = await emu.post(`${APP}/inputs`, {
      inputs: [{ id: "dup-4", data: { image: { url: ` ${url} ` } } }],
    });
    expect(again.body.inputs[0].status.code).toBe(30100);
  });

  it("renames a conflicting id with SUFFIX resolution", async () => {
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("sfx")] });
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [urlInput("sfx", "sfx-b")],
      input_id_conflict_resolution: 2,
    });
    expect(r.body.inputs[0].id).toBe("sfx-1");
    expect(r.body.inputs[0].status.code).toBe(30001);
  });

  it("refuses more than 128 inputs and empty requests as a whole", async () => {
    const many = Array.from({ length: 129 }, (_, i) => urlInput(`big-${i}`));
    const r = await emu.post(`${APP}/inputs`, { inputs: many });
    expect(r.status).toBe(400);
    expect(r.body.status.code).toBe(11102);
    expect(r.body.inputs).toEqual([]);
    const list = await emu.get(`${APP}/inputs?ids=big-0`);
    expect(list.body.inputs).toEqual([]);
    const empty = await emu.post(`${APP}/inputs`, { inputs: [] });
    expect(empty.body.status.code).toBe(11102);
    expect(emu.stats().largestBatch.PostInputs).toBe(129);
  });

  it("accepts exactly 128 inputs", async () => {
    const inputs = Array.from({ length: 128 }, (_, i) => urlInput(`full-${i}`));
    const r = await emu.post(`${APP}/inputs`, { inputs });
    expect(r.body.status.code).toBe(10000);
    expect(r.body.inputs).toHaveLength(128);
  });

  it("answers malformed JSON, wrong types and unknown fields with CONN_BAD_REQUEST_FORMAT", async () => {
    const broken = await emu.call("POST", `${APP}/inputs`, { raw: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body.status.code).toBe(11100);
    expect(broken.body.inputs).toEqual([]);
    const array = await emu.call("POST", `${APP}/inputs`, { raw: "[]" });
    expect(array.body.status.code).toBe(11100);
    const wrongType = await emu.post(`${APP}/inputs`, { inputs: [{ id: 5, data: {} }] });
    expect(wrongType.body.status.code).toBe(11100);
    const unknown = await emu.post(`${APP}/inputs`, {
      inputs: [{ id: "u", url: "https://img.example.com/u.jpg" }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.status.code).toBe(11100);
    expect(unknown.body.status.details).toContain('unknown field "url"');
    const deleteAll = await emu.del(`${APP}/inputs`, { delete_all: true });
    expect(deleteAll.body.status.code).toBe(11100);
  });

  it("decodes base64 uploads: a PNG indexes with image_info, other bytes fail indexing", async () => {
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [
        { id: "png-1", data: { image: { base64: PNG_1x1.toString("base64") } } },
        {
          id: "txt-1",
          data: { image: { base64: Buffer.from("hello, world").toString("base64") } },
        },
      ],
    });
    expect(r.body.status.code).toBe(10000);
    // Never the bytes back: a hosted copy (the default, as the API answers).
    expect(r.body.inputs[0].data.image.base64).toBeUndefined();
    expect(r.body.inputs[0].data.image.url).toMatch(/\/_hosted\/orig\//);
    const png = await emu.waitSettled("png-1");
    expect(png.body.input.status.code).toBe(30000);
    expect(png.body.input.data.image.image_info).toEqual({ width: 1, height: 1, format: "PNG" });
    expect(png.body.input.data.image.base64).toBeUndefined();
    const txt = await emu.waitSettled("txt-1");
    expect(txt.body.input.status).toMatchObject({
      code: 30002,
      description: "Download failed; check URL",
    });
    expect(txt.body.input.status.details).toContain("not a supported image");
  });

  it("refuses uploads over the per-image limit", async () => {
    const small = await emulator({ maxImageBytes: 10 });
    try {
      const r = await small.post(`${APP}/inputs`, {
        inputs: [{ id: "big", data: { image: { base64: PNG_1x1.toString("base64") } } }],
      });
      expect(r.body.inputs[0].status.code).toBe(30105);
    } finally {
      await small.close();
    }
  });

  it("refuses duplicate concepts and concepts without an id", async () => {
    const r = await emu.post(`${APP}/inputs`, {
      inputs: [
        urlInput("cc-1", "cc-1", { concepts: [{ id: "a" }, { id: "a", value: 0 }] }),
        urlInput("cc-2", "cc-2", { concepts: [{ name: "nameless" }] }),
      ],
    });
    expect(r.body.inputs.map((i: { status: { code: number } }) => i.status.code)).toEqual([
      30104, 30104,
    ]);
  });
});
