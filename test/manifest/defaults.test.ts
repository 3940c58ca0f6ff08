import { describe, expect, it } from "vitest";
import { mergeConcepts, mergeMetadata } from "../../src/manifest/defaults.js";
import { loadManifest } from "../../src/manifest/load.js";
import {
  InputNormaliser,
  normaliseConcept,
  resolveDefaults,
} from "../../src/manifest/normalise.js";
import { manifestOf, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

describe("mergeMetadata", () => {
  it("deep-merges mappings, the input winning; lists and scalars replace", () => {
    const base = {
      source: "catalog",
      camera: { make: "x", iso: 100 },
      tags: ["a", "b"],
      keep: null,
    };
    const own = { camera: { iso: 200, lens: "50mm" }, tags: ["c"], split: "train" };
    expect(mergeMetadata(base, own)).toEqual({
      source: "catalog",
      camera: { make: "x", iso: 200, lens: "50mm" },
      tags: ["c"],
      keep: null,
      split: "train",
    });
  });

  it("lets an input replace a default mapping with a scalar, and the reverse", () => {
    expect(mergeMetadata({ a: { b: 1 }, c: 1 }, { a: 5, c: { d: 2 } })).toEqual({
      a: 5,
      c: { d: 2 },
    });
  });

  it("returns fresh objects, never the inputs' own", () => {
    const base = { nested: { n: 1 }, list: [{ x: 1 }] };
    const merged = mergeMetadata(base, {});
    expect(merged).toEqual(base);
    expect(merged.nested).not.toBe(base.nested);
    expect((merged.list as unknown[])[0]).not.toBe(base.list[0]);
  });
});

describe("concepts", () => {
  it("expands the shorthand and defaults value to 1", () => {
    expect(normaliseConcept("cat")).toEqual({ id: "cat", value: 1 });
    expect(normaliseConcept({ id: "cat" })).toEqual({ id: "cat", value: 1 });
    expect(normaliseConcept({ id: "cat", value: 0 })).toEqual({ id: "cat", value: 0 });
  });

  it("adds the defaults' concepts after the input's own; the input's entry wins", () => {
    const defaults = [
      { id: "product", value: 1 as const },
      { id: "cat", value: 1 as const },
    ];
    expect(mergeConcepts(defaults, [{ id: "cat", value: 0 }])).toEqual([
      { id: "cat", value: 0 },
      { id: "product", value: 1 },
    ]);
  });
});

describe("defaults through the loader", () => {
  it("applies to every input, included files too", async () => {
    const dir = await tree({
      "dataset.yaml": [
        "version: 1",
        "name: with-defaults",
        "defaults:",
        "  allow_duplicate_url: true",
        "  concepts: [product, { id: sale, value: 0 }]",
        "  metadata: { source: catalog, dims: { unit: px, width: 100 } }",
        "include: [more.yaml]",
        "inputs:",
        "  - id: plain",
        "    url: https://img.example.com/1.jpg",
        "  - id: custom",
        "    url: https://img.example.com/3.jpg",
        "    allow_duplicate_url: false",
        "    concepts: [{ id: sale, value: 1 }, shoe]",
        "    metadata: { dims: { width: 640 }, source: studio }",
        "",
      ].join("\n"),
      "more.yaml": "inputs:\n  - id: included\n    url: https://img.example.com/2.jpg\n",
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    const [plain, custom, included] = manifest.inputs.toArray();
    expect(plain).toMatchObject({
      id: "plain",
      allowDuplicateUrl: true,
      concepts: [
        { id: "product", value: 1 },
        { id: "sale", value: 0 },
      ],
      metadata: { source: "catalog", dims: { unit: "px", width: 100 } },
    });
    expect(custom).toMatchObject({
      id: "custom",
      allowDuplicateUrl: false,
      // The loaded model lists concepts sorted by id (the planner compares them as a set).
      concepts: [
        { id: "product", value: 1 },
        { id: "sale", value: 1 },
        { id: "shoe", value: 1 },
      ],
      metadata: { source: "studio", dims: { unit: "px", width: 640 } },
    });
    expect(included).toMatchObject({
      id: "included",
      allowDuplicateUrl: true,
      metadata: { source: "catalog" },
    });
  });

  it("treats inputs that share a YAML anchor as independent values", async () => {
    const dir = await tree({
      "dataset.yaml": [
        "version: 1",
        "name: anchors",
        "defaults: { metadata: { dims: { unit: px } } }",
        "inputs:",
        "  - { id: a, url: https://img.example.com/a.jpg, metadata: &shared { dims: { w: 1 } } }",
        "  - { id: b, url: https://img.example.com/b.jpg, metadata: *shared }",
        "",
      ].join("\n"),
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    const [a, b] = manifest.inputs.toArray();
    expect(a?.metadata).toEqual({ dims: { unit: "px", w: 1 } });
    expect(b?.metadata).toEqual({ dims: { unit: "px", w: 1 } });
    expect(a?.metadata.dims).not.toBe(b?.metadata.dims);
  });
});

describe("InputNormaliser", () => {
  const source = { file: "dataset.yaml", line: 1, column: 1 };
  const image = { kind: "url", url: "https://img.example.com/a.jpg" } as const;

  it("keeps every value while sharing equal concepts between inputs", () => {
    const normaliser = new InputNormaliser(
      resolveDefaults({ concepts: ["catalog", { id: "reviewed", value: 0 }] }),
    );
    const longText = "a caption longer than thirteen characters, ünïcode included";
    const a = normaliser.normalise(
      {
        id: "a",
        url: image.url,
        concepts: ["shoe", { id: "red", value: 0 }],
        metadata: { caption: longText, nested: { list: [longText, 1, null] } },
      },
      { image, source },
    );
    const b = normaliser.normalise(
      { id: "b", url: image.url, concepts: [{ id: "shoe" }] },
      {
        image,
        source,
      },
    );
    expect(a.concepts).toEqual([
      { id: "shoe", value: 1 },
      { id: "red", value: 0 },
      { id: "catalog", value: 1 },
      { id: "reviewed", value: 0 },
    ]);
    expect(a.metadata).toEqual({ caption: longText, nested: { list: [longText, 1, null] } });
    expect(b.concepts).toEqual([
      { id: "shoe", value: 1 },
      { id: "catalog", value: 1 },
      { id: "reviewed", value: 0 },
    ]);
    // One object per distinct (id, value): a million inputs drawing on a small vocabulary.
    expect(b.concepts[0]).toBe(a.concepts[0]);
    expect(b.concepts[1]).toBe(a.concepts[2]);
    // The same id with another value is another concept.
    const c = normaliser.normalise(
      { id: "c", url: image.url, concepts: [{ id: "shoe", value: 0 }] },
      {
        image,
        source,
      },
    );
    expect(c.concepts[0]).toEqual({ id: "shoe", value: 0 });
  });
});
