import { describe, expect, it } from "vitest";
import {
  applyPatch,
  mergeMetadata,
  removeMetadata,
  type StoredData,
} from "../../src/emulator/patch-rules.js";

const stored: StoredData = {
  concepts: [
    { id: "a", name: "a", value: 1 },
    { id: "b", name: "Bee", value: 1 },
  ],
  metadata: { key1: "v1", nested: { x: 1, y: 2 }, list: [1, 2], objs: [{ id: "o1", v: 1 }] },
  geo: { longitude: 1, latitude: 2 },
};

describe("merge", () => {
  it("appends unseen concepts, merges matching ones with the patch winning", () => {
    const out = applyPatch(
      stored,
      {
        concepts: [
          { id: "c", name: "", value: 1 },
          { id: "a", name: "", value: 0 },
        ],
      },
      "merge",
    );
    expect(out.concepts).toEqual([
      { id: "a", name: "a", value: 0 },
      { id: "b", name: "Bee", value: 1 },
      { id: "c", name: "c", value: 1 },
    ]);
    expect(out.metadata).toBe(stored.metadata);
    expect(out.geo).toEqual(stored.geo);
  });

  it("deep-merges metadata: null no-op, {} and [] replace, plain lists append, id lists merge", () => {
    expect(
      mergeMetadata(stored.metadata, {
        key1: null,
        key2: "new",
        nested: { y: 3, z: { deep: true } },
        list: [3],
        objs: [{ id: "o1", w: 2 }, { id: "o2" }],
      }),
    ).toEqual({
      key1: "v1",
      key2: "new",
      nested: { x: 1, y: 3, z: { deep: true } },
      list: [1, 2, 3],
      objs: [{ id: "o1", v: 1, w: 2 }, { id: "o2" }],
    });
    expect(mergeMetadata(stored.metadata, { nested: {}, list: [] })).toMatchObject({
      nested: {},
      list: [],
    });
    expect(mergeMetadata({ a: 1 }, { a: { b: 2 } })).toEqual({ a: { b: 2 } });
    expect(stored.metadata.list).toEqual([1, 2]);
  });

  it("replaces geo", () => {
    expect(applyPatch(stored, { geo: { longitude: 5, latitude: 6 } }, "merge").geo).toEqual({
      longitude: 5,
      latitude: 6,
    });
  });
});

describe("overwrite", () => {
  it("replaces data: exactly the sent concepts and metadata, unsent parts vanish", () => {
    const out = applyPatch(
      stored,
      { concepts: [{ id: "z", name: "", value: 0 }], metadata: { only: true } },
      "overwrite",
    );
    expect(out).toEqual({ concepts: [{ id: "z", name: "z", value: 0 }], metadata: { only: true } });
    expect(applyPatch(stored, {}, "overwrite")).toEqual({ concepts: [], metadata: {} });
  });
});

describe("remove", () => {
  it("removes listed concepts whatever their value", () => {
    const out = applyPatch(
      stored,
      {
        concepts: [
          { id: "a", name: "", value: 1 },
          { id: "zz", name: "", value: 0 },
        ],
      },
      "remove",
    );
    expect(out.concepts).toEqual([{ id: "b", name: "Bee", value: 1 }]);
    expect(out.geo).toEqual(stored.geo);
  });

  it("deletes metadata keys at true leaves; other scalars overwrite; null and {} do nothing", () => {
    expect(
      removeMetadata(stored.metadata, {
        nested: { x: true },
        key1: null,
        list: [9],
        objs: [{ id: "o1" }],
        none: {},
      }),
    ).toEqual({ key1: "v1", nested: { y: 2 }, list: [1, 2, 9], objs: [] });
    expect(removeMetadata({ a: { b: 1 } }, { a: { b: true } })).toEqual({ a: {} });
    expect(removeMetadata({ a: 1, b: 2 }, { a: true, b: false })).toEqual({ b: false });
    expect(removeMetadata({ a: 1 }, { missing: { deep: true } })).toEqual({ a: 1 });
  });

  it("removes geo when the patch names it", () => {
    expect(
      applyPatch(stored, { geo: { longitude: 0, latitude: 0 } }, "remove").geo,
    ).toBeUndefined();
  });
});
