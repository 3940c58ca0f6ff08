import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP, type ApiResult, emulator, PNG_1x1, type TestEmulator, urlInput } from "./helpers.js";
import { checkJson } from "./proto-json.js";
import {
  deleteInputsRequest,
  patchMergeRequest,
  patchOverwriteRequest,
  patchRemoveRequest,
  postInputsPartialRequest,
  postInputsRequest,
  referenceResponses,
} from "./reference-examples.js";

const MULTI = "clarifai.api.MultiInputResponse";
const SINGLE = "clarifai.api.SingleInputResponse";
const COUNT = "clarifai.api.SingleInputCountResponse";
const BASE = "clarifai.api.status.BaseResponse";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await emulator({ failUrl: "fail" });
});
afterAll(() => emu.close());

/** Every body must be exactly the proto message, canonical proto3 JSON, 6- or 9-digit times. */
function expectShape(typeName: string, r: ApiResult) {
  const { problems } = checkJson(typeName, r.body, { canonical: true, timestampDigits: [6, 9] });
  expect(problems, `${typeName} ${r.text}`).toEqual([]);
  expect(r.body.status.req_id).toMatch(/^[0-9a-f]{32}$/);
}

describe("the checker", () => {
  it("accepts the reference's example responses", () => {
    for (const [type, body] of referenceResponses)
      expect(checkJson(type, body, { canonical: true }).problems).toEqual([]);
  });

  it("rejects unknown fields, wrong types, camelCase names and non-canonical zeros", () => {
    expect(
      checkJson(MULTI, { status: { code: 10000 }, inputs: [], extra: 1 }).problems[0],
    ).toContain('no field "extra"');
    expect(checkJson(MULTI, { status: { code: "nope" }, inputs: [] }).problems[0]).toContain(
      "enum",
    );
    expect(checkJson(SINGLE, { status: { code: 10000, reqId: "x" } }).problems[0]).toContain(
      'no field "reqId"',
    );
    expect(
      checkJson(SINGLE, { status: { code: 10000, details: "" } }, { canonical: true }).problems[0],
    ).toContain("omitted");
    expect(
      checkJson(MULTI, { status: { code: 10000 } }, { canonical: true }).problems[0],
    ).toContain("missing inputs");
  });

  it("accepts the reference's example request bodies as proto messages", () => {
    expect(checkJson("clarifai.api.PostInputsRequest", postInputsRequest).problems).toEqual([]);
    expect(checkJson("clarifai.api.PostInputsRequest", postInputsPartialRequest).problems).toEqual(
      [],
    );
    for (const body of [patchMergeRequest, patchRemoveRequest, patchOverwriteRequest]) {
      expect(checkJson("clarifai.api.PatchInputsRequest", body).problems).toEqual([]);
    }
    expect(checkJson("clarifai.api.DeleteInputsRequest", deleteInputsRequest).problems).toEqual([]);
  });
});

describe("emulator replies decode as the proto messages", () => {
  it("for the reference's example requests, end to end", async () => {
    const post = await emu.post(`${APP}/inputs`, postInputsRequest);
    expect(post.body.status.code).toBe(10000);
    expectShape(MULTI, post);
    const partial = await emu.post(`${APP}/inputs`, postInputsPartialRequest);
    expect(partial.status).toBe(207);
    expect(partial.body.inputs[1].status.code).toBe(30100);
    expectShape(MULTI, partial);
    await emu.waitSettled("sku-0002");
    for (const body of [patchMergeRequest, patchRemoveRequest, patchOverwriteRequest]) {
      const r = await emu.patch(`${APP}/inputs`, body);
      expect(r.body.status.code, r.text).toBe(10000);
      expectShape(MULTI, r);
    }
    const stream = await emu.get(`${APP}/inputs/stream?per_page=2&last_id=sku-0001`);
    expect(stream.body.inputs.map((i: { id: string }) => i.id)).toEqual(["sku-0002"]);
    expectShape(MULTI, stream);
    const del = await emu.del(`${APP}/inputs`, deleteInputsRequest);
    expect(del.body.status.code).toBe(10000);
    expectShape(BASE, del);
  });

  it("for every endpoint, success and error", async () => {
    await emu.post(`${APP}/inputs`, {
      inputs: [
        urlInput("full", "full", {
          concepts: [{ id: "a", value: 0 }, { id: "b" }],
          metadata: { n: 1.5, s: "x", b: false, z: null, l: [1, "2", { k: [] }], o: {} },
          geo: { geo_point: { longitude: 0, latitude: 10.5 } },
        }),
        { id: "bytes", data: { image: { base64: PNG_1x1.toString("base64") } } },
        urlInput("failing", "fail-me"),
      ],
    });
    for (const id of ["full", "bytes", "failing"]) expectShape(SINGLE, await emu.waitSettled(id));

    const cases: [string, () => Promise<ApiResult>][] = [
      [MULTI, () => emu.get(`${APP}/inputs`)],
      [MULTI, () => emu.get(`${APP}/inputs?ids=full&ids=bytes&status.code=30000`)],
      [MULTI, () => emu.get(`${APP}/inputs?page=99`)],
      [MULTI, () => emu.get(`${APP}/inputs?per_page=5000`)],
      [MULTI, () => emu.get(`${APP}/inputs/stream?per_page=1000`)],
      [MULTI, () => emu.get(`${APP}/inputs/stream?order_by_id=true&descending=true`)],
      [MULTI, () => emu.get(`${APP}/inputs/stream?last_id=nope`)],
      [MULTI, () => emu.get(`${APP}/inputs/stream?bogus=1`)],
      [SINGLE, () => emu.get(`${APP}/inputs/full`)],
      [SINGLE, () => emu.get(`${APP}/inputs/missing`)],
      [COUNT, () => emu.get(`${APP}/inputs/status`)],
      [COUNT, () => emu.get("/v2/users/nobody/apps/none/inputs/status")],
      [MULTI, () => emu.post(`${APP}/inputs`, { inputs: [urlInput("full"), urlInput("new-one")] })],
      [MULTI, () => emu.post(`${APP}/inputs`, { inputs: [urlInput("full")] })],
      [MULTI, () => emu.post(`${APP}/inputs`, { inputs: [] })],
      [MULTI, () => emu.call("POST", `${APP}/inputs`, { raw: "{" })],
      [
        MULTI,
        () =>
          emu.patch(`${APP}/inputs`, {
            action: "merge",
            inputs: [{ id: "full", data: { metadata: { more: 1 } } }],
          }),
      ],
      [
        MULTI,
        () =>
          emu.patch(`${APP}/inputs`, {
            action: "remove",
            inputs: [{ id: "full", data: { metadata: { o: true } } }, { id: "nope" }],
          }),
      ],
      [MULTI, () => emu.patch(`${APP}/inputs`, { action: "bad", inputs: [{ id: "full" }] })],
      [BASE, () => emu.del(`${APP}/inputs/nope`)],
      [BASE, () => emu.del(`${APP}/inputs`, { ids: ["nope"] })],
      [BASE, () => emu.del(`${APP}/inputs/new-one`)],
      [BASE, () => emu.get(`${APP}/unknown`)],
      [BASE, () => emu.call("PUT", `${APP}/inputs`)],
      [BASE, () => emu.post(`${APP}/inputs/searches`, {})],
      [MULTI, () => emu.get("/v2/inputs")],
      [MULTI, () => emu.call("GET", `${APP}/inputs`, { headers: { authorization: "" } })],
      [
        SINGLE,
        () => emu.call("GET", `${APP}/inputs/full`, { headers: { authorization: "key x" } }),
      ],
    ];
    for (const [type, call] of cases) expectShape(type, await call());
  });

  it("for throttling and injected faults", async () => {
    const faulty = await emulator({ rateLimit: 1, faultRate: 0.5, seed: 5 });
    try {
      const seen = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const r = i % 2 ? await faulty.get(`${APP}/inputs/x`) : await faulty.get(`${APP}/inputs`);
        seen.add(r.body.status.code);
        expectShape(i % 2 ? SINGLE : MULTI, r);
      }
      expect(seen.has(11005)).toBe(true);
    } finally {
      await faulty.close();
    }
  });
});
