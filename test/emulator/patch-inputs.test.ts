import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/emulator/index.js";
import { APP, emulator, type TestEmulator, urlInput } from "./helpers.js";

let emu: TestEmulator;
beforeAll(async () => {
  // Time stands still: the inputs stay pending, so the replies below never gain `hosted`.
  emu = await emulator({ clock: new ManualClock() });
});
afterAll(() => emu.close());

async function create(id: string, data: Record<string, unknown>) {
  const r = await emu.post(`${APP}/inputs`, { inputs: [urlInput(id, id, data)] });
  expect(r.body.status.code).toBe(10000);
}

describe("PatchInputs", () => {
  it("merges concepts and metadata and answers the patched inputs", async () => {
    await create("p1", {
      concepts: [{ id: "cat" }, { id: "dog", value: 0 }],
      metadata: { key1: "a", tags: ["x"] },
    });
    const before = await emu.get(`${APP}/inputs/p1`);
    const r = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [
        {
          id: "p1",
          data: {
            concepts: [{ id: "dog", value: 1 }, { id: "owl" }],
            metadata: { key2: "b", tags: ["y"] },
          },
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.status.code).toBe(10000);
    const [patched] = r.body.inputs;
    expect(patched.status.code).toBe(30200);
    expect(
      patched.data.concepts.map((c: { id: string; value: number }) => [c.id, c.value]),
    ).toEqual([
      ["cat", 1],
      ["dog", 1],
      ["owl", 1],
    ]);
    expect(patched.data.metadata).toEqual({ key1: "a", tags: ["x", "y"], key2: "b" });
    const after = await emu.get(`${APP}/inputs/p1`);
    expect(after.body.input.data.concepts).toEqual(patched.data.concepts);
    expect(after.body.input.data.metadata).toEqual(patched.data.metadata);
    expect(after.body.input.modified_at > before.body.input.modified_at).toBe(true);
    expect(after.body.input.created_at).toBe(before.body.input.created_at);
  });

  it("overwrites data but keeps the image", async () => {
    await create("p2", {
      concepts: [{ id: "cat" }],
      metadata: { a: 1 },
      geo: { geo_point: { longitude: 1, latitude: 2 } },
    });
    const r = await emu.patch(`${APP}/inputs`, {
      action: "overwrite",
      inputs: [{ id: "p2", data: { metadata: { b: 2 } } }],
    });
    expect(r.body.inputs[0].data).toEqual({
      image: { url: "https://img.example.com/p2.jpg" },
      metadata: { b: 2 },
    });
  });

  it("removes concepts and metadata leaves; an emptied metadata object disappears", async () => {
    await create("p3", { concepts: [{ id: "cat" }, { id: "dog" }], metadata: { a: { b: 1 } } });
    const r = await emu.patch(`${APP}/inputs`, {
      action: "remove",
      inputs: [{ id: "p3", data: { concepts: [{ id: "cat", value: 0 }], metadata: { a: true } } }],
    });
    expect(r.body.inputs[0].data).toEqual({
      image: { url: "https://img.example.com/p3.jpg" },
      concepts: [{ id: "dog", name: "dog", value: 1, app_id: "catalog" }],
    });
  });

  it("reports missing ids, image changes and repeated ids per input (MIXED_STATUS, then FAILURE)", async () => {
    await create("p4", {});
    const r = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [
        { id: "p4", data: { metadata: { ok: true } } },
        { id: "nope", data: { metadata: { ok: true } } },
        { id: "p4", data: { metadata: { again: true } } },
        { id: "p4", data: { image: { url: "https://img.example.com/other.jpg" } } },
        { data: { metadata: {} } },
      ],
    });
    expect(r.status).toBe(207);
    expect(r.body.status.code).toBe(10010);
    expect(r.body.inputs.map((i: { status: { code: number } }) => i.status.code)).toEqual([
      30200, 30102, 39999, 39999, 39999,
    ]);
    const sameImage = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [{ id: "p4", data: { image: { url: "https://img.example.com/p4.jpg" } } }],
    });
    expect(sameImage.body.status.code).toBe(10000);
    const otherImage = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: [{ id: "p4", data: { image: { url: "https://img.example.com/other.jpg" } } }],
    });
    expect(otherImage.status).toBe(400);
    expect(otherImage.body.status.code).toBe(10020);
    expect(otherImage.body.inputs[0].status.code).toBe(30104);
  });

  it("refuses a missing or unknown action and more than 128 inputs as a whole", async () => {
    const none = await emu.patch(`${APP}/inputs`, { inputs: [{ id: "p4" }] });
    expect(none.status).toBe(400);
    expect(none.body.status.code).toBe(11102);
    const splice = await emu.patch(`${APP}/inputs`, { action: "splice", inputs: [{ id: "p4" }] });
    expect(splice.body.status.code).toBe(11102);
    const many = await emu.patch(`${APP}/inputs`, {
      action: "merge",
      inputs: Array.from({ length: 129 }, (_, i) => ({ id: `x${i}` })),
    });
    expect(many.body.status.code).toBe(11102);
    expect(emu.stats().largestBatch.PatchInputs).toBe(129);
  });
});
