import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP, emulator, type TestEmulator, urlInput } from "./helpers.js";

let open: TestEmulator; // any Key token, no --app
let bound: TestEmulator; // --pat secret --app acme/catalog
beforeAll(async () => {
  open = await emulator();
  bound = await emulator({ pat: "secret", app: "acme/catalog" });
});
afterAll(async () => {
  await open.close();
  await bound.close();
});

describe("credentials", () => {
  it("refuses a missing or malformed Authorization header (401, 11102), shaped like the endpoint's reply", async () => {
    for (const headers of [
      { authorization: "" },
      { authorization: "key abc" },
      { authorization: "Bearer abc" },
      { authorization: "Key" },
    ]) {
      const r = await open.call("GET", `${APP}/inputs`, { headers });
      expect(r.status).toBe(401);
      expect(r.body.status.code).toBe(11102);
      expect(r.body.status.details).toContain("malformed authorization header");
      expect(r.body.inputs).toEqual([]);
    }
    const response = await fetch(`${open.url}${APP}/inputs/x`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(401);
    expect(Object.keys(body)).toEqual(["status"]);
  });

  it("with --pat, accepts only that token (401, 11009)", async () => {
    const wrong = await bound.call("GET", `${APP}/inputs/status`, {
      headers: { authorization: "Key other" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.status).toMatchObject({ code: 11009, description: "API key not found" });
    const right = await bound.call("GET", `${APP}/inputs/status`, {
      headers: { authorization: "Key secret" },
    });
    expect(right.body.status.code).toBe(10000);
  });
});

describe("path forms and apps", () => {
  it("answers the short form with 401/11008 when no app is bound", async () => {
    const r = await open.get("/v2/inputs");
    expect(r.status).toBe(401);
    expect(r.body.status.code).toBe(11008);
    expect(r.body.status.details).toBe("Must provide app external ID in API authorizer");
    expect(r.body.inputs).toEqual([]);
  });

  it("lets user_app_id in the query or body name the app of the short form", async () => {
    const post = await open.call("POST", "/v2/inputs", {
      body: { user_app_id: { user_id: "acme", app_id: "short" }, inputs: [urlInput("s1")] },
    });
    expect(post.body.status.code).toBe(10000);
    const get = await open.get("/v2/inputs/s1?user_app_id.user_id=acme&user_app_id.app_id=short");
    expect(get.body.input.id).toBe("s1");
  });

  it("binds the short form to --app, the same app as the full form", async () => {
    const auth = { authorization: "Key secret" };
    const post = await bound.call("POST", "/v2/inputs", {
      body: { inputs: [urlInput("b1")] },
      headers: auth,
    });
    expect(post.body.status.code).toBe(10000);
    const full = await bound.call("GET", `${APP}/inputs/b1`, { headers: auth });
    expect(full.body.input.id).toBe("b1");
    const me = await bound.call("GET", "/v2/users/me/apps/catalog/inputs/b1", { headers: auth });
    expect(me.body.input.id).toBe("b1");
    for (const path of ["/v2/inputs/stream", "/v2/inputs/status", "/v2/inputs?ids=b1"]) {
      expect((await bound.call("GET", path, { headers: auth })).body.status.code).toBe(10000);
    }
  });

  it("keeps apps apart", async () => {
    await open.post("/v2/users/u1/apps/a/inputs", { inputs: [urlInput("same")] });
    const other = await open.post("/v2/users/u2/apps/a/inputs", { inputs: [urlInput("same")] });
    expect(other.body.status.code).toBe(10000);
    expect((await open.get("/v2/users/u1/apps/b/inputs/same")).body.status.code).toBe(11101);
    const list = await open.get("/v2/users/u1/apps/a/inputs");
    expect(list.body.inputs).toHaveLength(1);
  });
});

describe("unknown paths and methods", () => {
  it("answers unknown paths with 404/11101 and wrong methods with 405/11103", async () => {
    for (const path of [
      "/",
      "/v1/inputs",
      `${APP}/concepts`,
      `${APP}/inputs/a/b`,
      `${APP}/inputs/`,
    ]) {
      const r = await open.get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.status.code).toBe(11101);
      expect(r.body.status.req_id).toMatch(/^[0-9a-f]{32}$/);
    }
    const put = await open.call("PUT", `${APP}/inputs`, { body: {} });
    expect(put.status).toBe(405);
    expect(put.body.status.code).toBe(11103);
    expect(put.headers.get("allow")).toBe("GET, POST, PATCH, DELETE");
    const postOne = await open.call("POST", `${APP}/inputs/x`, { body: {} });
    expect(postOne.status).toBe(405);
    const patchStream = await open.call("PATCH", `${APP}/inputs/stream`, { body: {} });
    expect(patchStream.body.status.code).toBe(11103);
  });

  it("answers input RPCs it does not model with NOT_IMPLEMENTED", async () => {
    const r = await open.post(`${APP}/inputs/searches`, { searches: [] });
    expect(r.status).toBe(501);
    expect(r.body.status.code).toBe(10040);
    expect((await open.get(`${APP}/inputs/jobs/add`)).body.status.code).toBe(10040);
  });

  it("decodes percent-encoded ids in paths", async () => {
    await open.post(`${APP}/inputs`, { inputs: [urlInput("with_underscore-1")] });
    expect((await open.get(`${APP}/inputs/with%5Funderscore-1`)).body.input.id).toBe(
      "with_underscore-1",
    );
  });
});

describe("query parameters", () => {
  it("refuses unknown parameters on every endpoint, accepts user_app_id", async () => {
    const paths: [string, string, unknown?][] = [
      ["GET", `${APP}/inputs/x?foo=1`],
      ["GET", `${APP}/inputs/status?foo=1`],
      ["POST", `${APP}/inputs?foo=1`, { inputs: [urlInput("q1")] }],
      ["PATCH", `${APP}/inputs?foo=1`, { action: "merge", inputs: [{ id: "q1" }] }],
      ["DELETE", `${APP}/inputs/q1?foo=1`],
      ["DELETE", `${APP}/inputs?foo=1`, { ids: ["q1"] }],
    ];
    for (const [method, path, body] of paths) {
      const r = await open.call(method, path, body === undefined ? {} : { body });
      expect(r.body.status.code, `${method} ${path}`).toBe(11100);
    }
    const ok = await open.get(
      `${APP}/inputs/status?user_app_id.user_id=acme&userAppId.appId=catalog`,
    );
    expect(ok.body.status.code).toBe(10000);
  });
});
