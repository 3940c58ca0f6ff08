import { afterEach, describe, expect, it } from "vitest";
import { APP, emulator, type TestEmulator, urlInput } from "./helpers.js";

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe("DeleteInput and DeleteInputs", () => {
  it("delete at once by default: GetInput answers 11101 and the id is free again", async () => {
    emu = await emulator();
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("d1"), urlInput("d2"), urlInput("d3")] });
    const one = await emu.del(`${APP}/inputs/d1`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      status: { code: 10000, description: "Ok", req_id: one.body.status.req_id },
    });
    const bulk = await emu.del(`${APP}/inputs`, { ids: ["d2", "d3"] });
    expect(bulk.body.status.code).toBe(10000);
    for (const id of ["d1", "d2", "d3"])
      expect((await emu.get(`${APP}/inputs/${id}`)).body.status.code).toBe(11101);
    const again = await emu.post(`${APP}/inputs`, { inputs: [urlInput("d1")] });
    expect(again.body.status.code).toBe(10000);
    expect(emu.stats().largestBatch.DeleteInputs).toBe(2);
  });

  it("answers CONN_DOES_NOT_EXIST for unknown ids and deletes nothing then", async () => {
    emu = await emulator();
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("k1")] });
    const one = await emu.del(`${APP}/inputs/nope`);
    expect(one.status).toBe(404);
    expect(one.body.status.code).toBe(11101);
    const bulk = await emu.del(`${APP}/inputs`, { ids: ["k1", "nope"] });
    expect(bulk.status).toBe(404);
    expect(bulk.body.status.details).toContain("nope");
    expect((await emu.get(`${APP}/inputs/k1`)).body.status.code).toBe(10000);
  });

  it("refuses empty and oversized bulk deletes", async () => {
    emu = await emulator();
    expect((await emu.del(`${APP}/inputs`, { ids: [] })).body.status.code).toBe(11102);
    expect((await emu.del(`${APP}/inputs`)).body.status.code).toBe(11102);
    const many = await emu.del(`${APP}/inputs`, {
      ids: Array.from({ length: 129 }, (_, i) => `x${i}`),
    });
    expect(many.status).toBe(400);
    expect(many.body.status.code).toBe(11102);
    expect(emu.stats().largestBatch.DeleteInputs).toBe(129);
  });

  it("with a delete delay, a deleted input stays readable and its id taken until the delay ends", async () => {
    emu = await emulator({ deleteDelayMs: 150 });
    await emu.post(`${APP}/inputs`, { inputs: [urlInput("late"), urlInput("late2")] });
    await emu.waitSettled("late");
    await emu.del(`${APP}/inputs`, { ids: ["late"] });
    const during = await emu.get(`${APP}/inputs/late`);
    expect(during.body.input.id).toBe("late");
    const list = await emu.get(`${APP}/inputs/stream`);
    expect(list.body.inputs.map((i: { id: string }) => i.id)).toContain("late");
    const repost = await emu.post(`${APP}/inputs`, { inputs: [urlInput("late", "late-new")] });
    expect(repost.body.inputs[0].status.details).toBe("Input has a duplicate ID.");
    const patch = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [{ id: "late", data: { metadata: { a: 1 } } }],
    });
    expect(patch.body.inputs[0].status.code).toBe(30102);
    // Deleting it again is accepted.
    expect((await emu.del(`${APP}/inputs/late`)).body.status.code).toBe(10000);
    expect(emu.stats().inputs.deleting).toBe(1);
    let code = 10000;
    for (let i = 0; i < 200 && code !== 11101; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      code = (await emu.get(`${APP}/inputs/late`)).body.status.code;
    }
    expect(code).toBe(11101);
    expect(
      (await emu.post(`${APP}/inputs`, { inputs: [urlInput("late", "late-new")] })).body.status
        .code,
    ).toBe(10000);
  });
});
