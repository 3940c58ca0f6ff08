import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { createKeyFile, KeyFile } from "../../src/cli/key-file.js";
import { ChunkingSink, type DesiredChunk, DesiredIndex } from "../../src/manifest/desired-index.js";
import { inputKey, parseInputKey } from "../../src/manifest/input-key.js";
import { KeyFingerprinter } from "../../src/manifest/key-fingerprint.js";
import { MemoryKeyStore } from "../../src/manifest/key-store.js";
import type { DesiredInput } from "../../src/manifest/types.js";

function input(id: string, overrides: Partial<DesiredInput> = {}): DesiredInput {
  return {
    id,
    image: { kind: "url", url: `https://img.example.com/${id}.jpg` },
    concepts: [
      { id: "b", value: 0 },
      { id: "a", value: 1 },
    ],
    metadata: { split: "train", tags: ["x", "y"], nested: { k: 1 } },
    allowDuplicateUrl: false,
    source: { file: "dataset.yaml", line: 3, column: 5 },
    ...overrides,
  };
}

const inputs: DesiredInput[] = [
  input("u1"),
  input("u2", { allowDuplicateUrl: true, image: { kind: "url", url: " https://x/2.jpg " } }),
  input("f1", {
    image: {
      kind: "file",
      absPath: "/d/images/a.png",
      path: "images/a.png",
      sha256: "c".repeat(64),
      size: 9,
    },
    source: { file: "parts/b.yaml", line: 10, column: 3 },
    origin: "images/a.png",
    concepts: [],
    metadata: {},
  }),
  input("s1", { origin: "labels.csv:4", source: { file: "labels.csv", line: 4, column: 0 } }),
  // A folder's image: its problems point to the image itself, its origin.
  input("g1", {
    image: {
      kind: "file",
      absPath: "/d/photos/cat/1.png",
      path: "photos/cat/1.png",
      sha256: "d".repeat(64),
      size: 7,
    },
    source: { file: "photos/cat/1.png", line: 0, column: 0 },
    origin: "photos/cat/1.png",
  }),
];

/** The input as the index gives it back: concepts sorted by id. */
function sortedConcepts(item: DesiredInput): DesiredInput {
  return { ...item, concepts: [...item.concepts].sort((a, b) => (a.id < b.id ? -1 : 1)) };
}

describe("DesiredIndex", () => {
  it("gives back every input (concepts sorted by id), found by id", () => {
    const index = DesiredIndex.of(inputs);
    expect(index.size).toBe(5);
    expect(index.toArray()).toEqual(inputs.map(sortedConcepts));
    expect(index.indexOf("f1")).toBe(2);
    expect(index.indexOf("nope")).toBeUndefined();
    expect(index.isFile(2)).toBe(true);
    expect(index.imageAt(2)).toBe("c".repeat(64));
    expect(index.originAt(3)).toBe("labels.csv:4");
    expect(index.originAt(4)).toBe("photos/cat/1.png");
  });

  it("claims the trimmed URL of URL inputs that do not allow duplicates only", () => {
    const index = DesiredIndex.of(inputs);
    expect([0, 1, 2, 3].map((i) => index.claimedUrlAt(i))).toEqual([
      "https://img.example.com/u1.jpg",
      undefined,
      undefined,
      "https://img.example.com/s1.jpg",
    ]);
  });

  it("refuses a duplicate id", () => {
    expect(() => DesiredIndex.of([input("a"), input("a")])).toThrow(
      /duplicate desired input id "a"/,
    );
  });

  it("rebuilds the same index from the chunks a sink hands on", () => {
    const keys = new MemoryKeyStore();
    const chunks: DesiredChunk[] = [];
    const sink = new ChunkingSink(3, (chunk) => chunks.push(structuredClone(chunk)), keys);
    for (const item of inputs) sink.add(item);
    sink.flush();
    sink.flush();
    expect(chunks.map((chunk) => chunk.ids.length)).toEqual([3, 2]);
    // The folder image's name travels once, as its origin.
    expect(chunks[1]?.sourceNames).toEqual(["labels.csv"]);
    // File facts and origins by position in their chunk.
    expect(chunks.map((chunk) => chunk.fileAt)).toEqual([[2], [1]]);
    expect(chunks.map((chunk) => chunk.originAt)).toEqual([[2], [1]]);
    const index = new DesiredIndex(keys);
    for (const chunk of chunks) index.append(chunk);
    expect(index.toArray()).toEqual(DesiredIndex.of(inputs).toArray());
    expect(index.indexOf("s1")).toBe(3);
    expect(() => index.append(chunks[0] as DesiredChunk)).toThrow(/duplicate/);
  });

  it("gives each input's key as inputKey makes it from the declared values", () => {
    const declared = [
      ...inputs,
      input("r1", {
        // Keys out of order at every depth, a repeated concept (the last listed wins), -0.
        concepts: [
          { id: "z", value: 1 },
          { id: "a", value: 0 },
          { id: "z", value: 0 },
        ],
        metadata: { zz: { y: [{ b: 1, a: -0 }], x: null }, aa: "é", "": 1e21 },
      }),
    ];
    const keys = new MemoryKeyStore();
    const chunks: DesiredChunk[] = [];
    const sink = new ChunkingSink(4, (chunk) => chunks.push(structuredClone(chunk)), keys);
    for (const item of declared) sink.add(item);
    sink.flush();
    const viaChunks = new DesiredIndex(keys);
    for (const chunk of chunks) viaChunks.append(chunk);
    for (const index of [DesiredIndex.of(declared), viaChunks]) {
      declared.forEach((item, i) => {
        expect(index.keyAt(i)).toBe(inputKey(item.concepts, item.metadata));
      });
    }
    expect(viaChunks.keyAt(declared.length - 1)).toBe(
      '[["a",0],["z",0]]\n{"":1e+21,"aa":"é","zz":{"x":null,"y":[{"a":0,"b":1}]}}',
    );
  });

  it("tells keys apart by fingerprint", () => {
    const index = DesiredIndex.of(inputs);
    // The fingerprint of the key's values, whatever order they were declared in.
    const fingerprintOf = (i: number) => {
      const { concepts, metadata } = parseInputKey(index.keyAt(i));
      const reordered = Object.fromEntries(Object.entries(metadata).reverse());
      return new KeyFingerprinter().of([...concepts].reverse(), reordered);
    };
    const same = fingerprintOf(0);
    expect(index.hasKeyFingerprint(0, same.lo, same.hi)).toBe(true);
    // u1 and u2 differ only in their image: same key, same fingerprint.
    expect(index.keyAt(1)).toBe(index.keyAt(0));
    expect(index.hasKeyFingerprint(1, same.lo, same.hi)).toBe(true);
    const other = fingerprintOf(2);
    expect(index.keyAt(2)).not.toBe(index.keyAt(0));
    expect(index.hasKeyFingerprint(0, other.lo, other.hi)).toBe(false);
  });

  it("stores a run of equal keys once, and reads each input's own back", () => {
    const puts: string[] = [];
    const keys = new (class extends MemoryKeyStore {
      override put(concepts: string, metadata: string): number {
        puts.push(concepts);
        return super.put(concepts, metadata);
      }
    })();
    const cat: Partial<DesiredInput> = { concepts: [{ id: "cat", value: 1 }] };
    const dog: Partial<DesiredInput> = { concepts: [{ id: "dog", value: 1 }] };
    const declared = [input("a", cat), input("b", cat), input("c", dog), input("d", cat)];
    const index = new DesiredIndex(keys);
    for (const item of declared) index.add(item);
    expect(puts).toHaveLength(3);
    expect(index.toArray()).toEqual(declared);
  });

  it("reads the keys a loader wrote to a key file, whatever their size", () => {
    const handle = createKeyFile();
    try {
      // Keys past the read window and past the write buffer, with text beyond ASCII.
      const big = input("big", { metadata: { text: "é€😀".repeat(40_000) } });
      const many = Array.from({ length: 3000 }, (_, i) =>
        input(`n${i}`, { metadata: { i, note: "ü".repeat(i % 50) } }),
      );
      const all = [...inputs, big, ...many];
      const chunks: DesiredChunk[] = [];
      // The writer and the reader are separate instances over one descriptor (two threads).
      const sink = new ChunkingSink(
        500,
        (chunk) => chunks.push(structuredClone(chunk)),
        new KeyFile(handle.fd),
      );
      const index = new DesiredIndex(new KeyFile(handle.fd));
      for (const item of all) sink.add(item);
      sink.flush();
      for (const chunk of chunks) index.append(chunk);
      expect(index.toArray()).toEqual(DesiredIndex.of(all).toArray());
      // Out of order too: the read window moves back.
      expect(index.inputAt(inputs.length + 1).metadata).toEqual({ i: 0, note: "" });
      expect(index.inputAt(inputs.length).metadata).toEqual(big.metadata);
      expect(index.inputAt(0).id).toBe("u1");
    } finally {
      handle.close();
    }
  });

  it("leaves no key file behind", () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith("dataset-keys-"));
    const handle = createKeyFile();
    const during = readdirSync(tmpdir()).filter((name) => name.startsWith("dataset-keys-"));
    handle.close();
    expect(during).toEqual(before);
  });
});
