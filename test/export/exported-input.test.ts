import { describe, expect, it } from "vitest";
import type { ApiInput } from "../../src/api/types.js";
import {
  byteSourceOf,
  exportLiveInput,
  isByteUpload,
  ownershipOf,
} from "../../src/export/exported-input.js";

const HOSTED = {
  prefix: "https://data.clarifai.com",
  suffix: "users/u/apps/a/inputs/image/140c856dc82565d2c4d6ea720fceff78",
  sizes: ["orig", "tiny"],
};

describe("exportLiveInput", () => {
  it("declares a URL input with sorted concepts (value 0 kept) and metadata without the marker", () => {
    const live: ApiInput = {
      id: "shoe-2",
      data: {
        image: { url: " https://img.example.com/2.jpg ", hosted: HOSTED },
        concepts: [
          { id: "shoe", name: "shoe", value: 1, app_id: "a" },
          { id: "boot", name: "boot", value: 0, app_id: "a" },
        ],
        metadata: { split: "test", _dataset: { manifest: "catalog" } },
      },
    };
    expect(exportLiveInput(live)).toEqual({
      kind: "url",
      entry: {
        id: "shoe-2",
        url: "https://img.example.com/2.jpg",
        concepts: [{ id: "boot", value: 0 }, "shoe"],
        metadata: { split: "test" },
      },
    });
  });

  it("omits empty concepts and metadata (only the marker counts as empty)", () => {
    const live: ApiInput = {
      id: "a",
      data: { image: { url: "https://x.test/a.jpg" }, metadata: { _dataset: { manifest: "m" } } },
    };
    expect(exportLiveInput(live)).toEqual({
      kind: "url",
      entry: { id: "a", url: "https://x.test/a.jpg" },
    });
  });

  it("recognises byte uploads: no URL, the hosted original as URL, or echoed base64", () => {
    const hostedUrl = `${HOSTED.prefix}/orig/${HOSTED.suffix}`;
    const pending: ApiInput = { id: "b1", data: { image: {} } };
    const indexed: ApiInput = { id: "b2", data: { image: { hosted: HOSTED }, concepts: [] } };
    const realApi: ApiInput = { id: "b3", data: { image: { url: hostedUrl, hosted: HOSTED } } };
    const echoed: ApiInput = { id: "b4", data: { image: { base64: "iVBORw0K" } } };
    expect(exportLiveInput(pending)).toEqual({
      kind: "bytes",
      entry: { id: "b1" },
      source: { kind: "none" },
    });
    expect(exportLiveInput(indexed)).toMatchObject({
      kind: "bytes",
      source: { kind: "hosted", url: hostedUrl },
    });
    expect(exportLiveInput(realApi)).toMatchObject({
      kind: "bytes",
      source: { kind: "hosted", url: hostedUrl },
    });
    expect(exportLiveInput(echoed)).toMatchObject({
      kind: "bytes",
      source: { kind: "base64", data: "iVBORw0K" },
    });
  });

  it("does not take a URL input that also has a hosted copy for a byte upload", () => {
    const image = { url: "https://img.example.com/1.jpg", hosted: HOSTED };
    expect(isByteUpload(image)).toBe(false);
    expect(byteSourceOf(undefined)).toEqual({ kind: "none" });
  });

  it("skips what a manifest cannot declare, saying why", () => {
    expect(
      exportLiveInput({ id: "has.dot", data: { image: { url: "https://x.test/1" } } }),
    ).toEqual({ kind: "skip", id: "has.dot", reason: "invalid-id" });
    expect(exportLiveInput({ id: "ftp", data: { image: { url: "ftp://x.test/1" } } })).toEqual({
      kind: "skip",
      id: "ftp",
      reason: "unsupported-url",
    });
    expect(exportLiveInput({ id: "text", data: {} })).toEqual({
      kind: "skip",
      id: "text",
      reason: "no-image",
    });
  });
});

describe("ownershipOf", () => {
  const input = (manifest?: string): ApiInput => ({
    id: "x",
    data: manifest === undefined ? {} : { metadata: { _dataset: { manifest } } },
  });
  it("selects by the marker's manifest name", () => {
    const claimable = { kind: "claimable", name: "mine" } as const;
    expect(ownershipOf(input(), claimable)).toEqual({ selected: true, owner: undefined });
    expect(ownershipOf(input("mine"), claimable)).toEqual({ selected: true, owner: "mine" });
    expect(ownershipOf(input("theirs"), claimable)).toEqual({ selected: false, owner: "theirs" });
    expect(ownershipOf(input("theirs"), { kind: "all" }).selected).toBe(true);
    expect(ownershipOf(input("theirs"), { kind: "unowned" }).selected).toBe(false);
    expect(ownershipOf(input(), { kind: "unowned" }).selected).toBe(true);
    expect(ownershipOf(input("theirs"), { kind: "owned-by", name: "theirs" }).selected).toBe(true);
    expect(ownershipOf(input(), { kind: "owned-by", name: "theirs" }).selected).toBe(false);
  });
});
