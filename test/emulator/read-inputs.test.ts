import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP, emulator, type TestEmulator, urlInput } from "./helpers.js";

let emu: TestEmulator;
const ids = ["c", "a", "e", "b", "d"]; // creation order differs from id order
beforeAll(async () => {
  emu = await emulator({ failUrl: "/fail-" });
  await emu.post(`${APP}/inputs`, { inputs: ids.map((id) => urlInput(id)) });
  for (let i = 0; i < 25; i++)
    await emu.post(`${APP}/inputs`, { inputs: [urlInput(`n${String(i).padStart(2, "0")}`)] });
  await emu.post(`${APP}/inputs`, { inputs: [urlInput("f", "fail-f")] });
  await emu.waitSettled("f");
  await emu.waitSettled("n24");
});
afterAll(() => emu.close());

const idsOf = (r: { body: { inputs: { id: string }[] } }) => r.body.inputs.map((i) => i.id);

describe("StreamInputs", () => {
  it("pages oldest first with an exclusive last_id and a default page of 20", async () => {
    const first = await emu.get(`${APP}/inputs/stream`);
    expect(first.body.status.code).toBe(10000);
    expect(idsOf(first)).toHaveLength(20);
    expect(idsOf(first).slice(0, 5)).toEqual(ids);
    const second = await emu.get(`${APP}/inputs/stream?per_page=3&last_id=a`);
    expect(idsOf(second)).toEqual(["e", "b", "d"]);
  });

  it("walks every input exactly once in both orders, by creation and by id", async () => {
    const walk = async (query: string) => {
      const seen: string[] = [];
      let last = "";
      for (;;) {
        const r = await emu.get(
          `${APP}/inputs/stream?per_page=7${query}${last ? `&last_id=${last}` : ""}`,
        );
        const page = idsOf(r);
        seen.push(...page);
        if (page.length < 7) return seen;
        last = page.at(-1)!;
      }
    };
    const asc = await walk("");
    expect(asc).toHaveLength(31);
    expect(await walk("&descending=true")).toEqual([...asc].reverse());
    const byId = await walk("&order_by_id=true");
    expect(byId).toEqual([...asc].sort());
    expect(await walk("&order_by_id=True&descending=1")).toEqual([...asc].sort().reverse());
  });

  it("accepts lowerCamelCase parameters and refuses unknown ones", async () => {
    const r = await emu.get(`${APP}/inputs/stream?perPage=2&lastId=c&orderById=false`);
    expect(idsOf(r)).toEqual(["a", "e"]);
    const unknown = await emu.get(`${APP}/inputs/stream?limit=2`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.status.code).toBe(11100);
    expect(unknown.body.inputs).toEqual([]);
    const badBool = await emu.get(`${APP}/inputs/stream?descending=maybe`);
    expect(badBool.body.status.code).toBe(11100);
  });

  it("caps per_page at 1000 and refuses more", async () => {
    const r = await emu.get(`${APP}/inputs/stream?per_page=1000`);
    expect(idsOf(r)).toHaveLength(31);
    const tooMany = await emu.get(`${APP}/inputs/stream?per_page=1001`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.status.code).toBe(11105);
  });

  it("answers CONN_DOES_NOT_EXIST for an unknown last_id in creation order", async () => {
    const r = await emu.get(`${APP}/inputs/stream?last_id=nope`);
    expect(r.status).toBe(404);
    expect(r.body.status.code).toBe(11101);
    const byId = await emu.get(`${APP}/inputs/stream?last_id=d0&order_by_id=true&per_page=2`);
    expect(idsOf(byId)).toEqual(["e", "f"]);
  });

  it("answers an empty page for an app without inputs", async () => {
    const r = await emu.get("/v2/users/acme/apps/empty/inputs/stream");
    expect(r.body).toMatchObject({ status: { code: 10000 }, inputs: [] });
  });
});

describe("ListInputs", () => {
  it("pages newest first, 128 by default, and answers past the end with an empty list", async () => {
    const r = await emu.get(`${APP}/inputs`);
    expect(idsOf(r)[0]).toBe("f");
    expect(idsOf(r)).toHaveLength(31);
    const page2 = await emu.get(`${APP}/inputs?page=2&per_page=10`);
    expect(idsOf(page2)).toEqual(idsOf(r).slice(10, 20));
    const past = await emu.get(`${APP}/inputs?per_page=500&page=1000`);
    expect(past.body).toMatchObject({ status: { code: 10000 }, inputs: [] });
    const tooMany = await emu.get(`${APP}/inputs?per_page=1001`);
    expect(tooMany.body.status.code).toBe(11105);
    const badPage = await emu.get(`${APP}/inputs?page=-1`);
    expect(badPage.body.status.code).toBe(11100);
  });

  it("filters by repeated ids (unknown ids absent) and by status.code (number or name)", async () => {
    const r = await emu.get(`${APP}/inputs?ids=a&ids=b&ids=missing`);
    expect(idsOf(r).sort()).toEqual(["a", "b"]);
    const failed = await emu.get(`${APP}/inputs?status.code=30002`);
    expect(idsOf(failed)).toEqual(["f"]);
    const byName = await emu.get(`${APP}/inputs?status.code=INPUT_DOWNLOAD_FAILED`);
    expect(idsOf(byName)).toEqual(["f"]);
    const both = await emu.get(`${APP}/inputs?ids=a&ids=f&status.code=INPUT_SUCCESS&per_page=2`);
    expect(idsOf(both)).toEqual(["a"]);
    const unknownCode = await emu.get(`${APP}/inputs?status.code=NOT_A_CODE`);
    expect(unknownCode.body.status.code).toBe(11100);
  });
});

describe("GetInput and GetInputCount", () => {
  it("returns one input, or CONN_DOES_NOT_EXIST (404) without an input field", async () => {
    const r = await emu.get(`${APP}/inputs/a`);
    expect(r.body.input.id).toBe("a");
    expect(r.body.input.status).toEqual({ code: 30000, description: "Download complete" });
    const failed = await emu.get(`${APP}/inputs/f`);
    expect(failed.body.input.status.code).toBe(30002);
    expect(failed.body.input.status.details).toContain("--fail-url");
    const missing = await emu.get(`${APP}/inputs/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.status.code).toBe(11101);
    expect(Object.keys(missing.body)).toEqual(["status"]);
  });

  it("counts inputs per indexing state, every counter present", async () => {
    const r = await emu.get(`${APP}/inputs/status`);
    expect(r.body.counts).toEqual({
      processed: 30,
      to_process: 0,
      errors: 1,
      processing: 0,
      reindexed: 0,
      to_reindex: 0,
      reindex_errors: 0,
      reindexing: 0,
    });
    const empty = await emu.get("/v2/users/acme/apps/empty/inputs/status");
    expect(empty.body.counts.processed).toBe(0);
  });
});
