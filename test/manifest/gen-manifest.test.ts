import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generateInputs, generateManifest } from "../../bench/gen-manifest.js";
import { loadManifest } from "../../src/manifest/load.js";
import { manifestOf, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

describe("bench/gen-manifest", () => {
  it("writes a valid manifest declaring exactly generateInputs(n, seed)", async () => {
    const dir = await tree({});
    const path = await generateManifest({ n: 500, name: "gen-test", seed: 7, dir });
    const manifest = manifestOf(await loadManifest(path));
    expect(manifest.name).toBe("gen-test");
    const declared = manifest.inputs.toArray().map((input) => ({
      id: input.id,
      url: input.image.kind === "url" ? input.image.url : "",
      concepts: input.concepts,
      metadata: input.metadata,
    }));
    // The loaded model lists concepts sorted by id.
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const expected = generateInputs(500, 7).map((input) => ({
      ...input,
      concepts: [...input.concepts].sort(byId),
    }));
    expect(declared).toEqual(expected);
  });

  it("is deterministic per seed, and varied", async () => {
    const dir = await tree({});
    const a = await readFile(await generateManifest({ n: 50, name: "a", seed: 1, dir }), "utf8");
    const b = await readFile(await generateManifest({ n: 50, name: "b", seed: 1, dir }), "utf8");
    expect(a.replace(/\bname: a\b/, "name: b")).toBe(b);
    expect(generateInputs(50, 2)).not.toEqual(generateInputs(50, 1));
    const inputs = generateInputs(2000, 3);
    expect(new Set(inputs.map((input) => input.id)).size).toBe(2000);
    const conceptCounts = new Set(inputs.map((input) => input.concepts.length));
    expect([...conceptCounts].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(inputs[123]?.id).toBe("img-000123");
  });

  it("labelled shape: 2–3 concepts with a value-0 one, nested metadata with a list", async () => {
    const dir = await tree({});
    const path = await generateManifest({
      n: 300,
      name: "labelled",
      seed: 7,
      dir,
      shape: "labelled",
    });
    const manifest = manifestOf(await loadManifest(path));
    const inputs = generateInputs(300, 7, { shape: "labelled" });
    // The loaded model lists concepts sorted by id.
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    expect(
      manifest.inputs.toArray().map((input) => ({
        id: input.id,
        url: input.image.kind === "url" ? input.image.url : "",
        concepts: input.concepts,
        metadata: input.metadata,
      })),
    ).toEqual(inputs.map((input) => ({ ...input, concepts: [...input.concepts].sort(byId) })));
    expect(generateInputs(300, 7, { shape: "labelled" })).toEqual(inputs);
    expect(new Set(inputs.map((input) => input.concepts.length))).toEqual(new Set([2, 3]));
    for (const input of inputs) {
      expect(input.concepts.some((c) => c.value === 0)).toBe(true);
      expect(new Set(input.concepts.map((c) => c.id)).size).toBe(input.concepts.length);
      expect(Object.keys(input.metadata).sort()).toEqual(["score", "source", "split", "tags"]);
      expect(Object.keys(input.metadata.source as object).sort()).toEqual(["batch", "vendor"]);
      expect(Array.isArray(input.metadata.tags)).toBe(true);
    }
    expect(
      inputs.some((input) =>
        input.concepts.every((c, i, all) => c.value === (i === all.length - 1 ? 0 : 1)),
      ),
    ).toBe(true);
  });
});
