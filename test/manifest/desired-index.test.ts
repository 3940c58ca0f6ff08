import { describe, expect, it } from "vitest";
import { ChunkingSink, type DesiredChunk, DesiredIndex } from "../../src/manifest/desired-index.js";
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
];

/** The input as the index gives it back: concepts sorted by id. */
function sortedConcepts(item: DesiredInput): DesiredInput {
  return { ...item, concepts: [...item.concepts].sort((a, b) => (a.id < b.id ? -1 : 1)) };
}

describe("DesiredIndex", () => {
  it("gives back every input (concepts sorted by id), found by id", () => {
    const index = DesiredIndex.of(inputs);
    expect(index.size).toBe(4);
    expect(index.toArray()).toEqual(inputs.map(sortedConcepts));
    expect(index.indexOf("f1")).toBe(2);
    expect(index.indexOf("nope")).toBeUndefined();
    expect(index.isFile(2)).toBe(true);
    expect(index.imageAt(2)).toBe("c".repeat(64));
    expect(index.originAt(3)).toBe("labels.csv:4");
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
    const chunks: DesiredChunk[] = [];
    const sink = new ChunkingSink(3, (chunk) => chunks.push(structuredClone(chunk)));
    for (const item of inputs) sink.add(item);
    sink.flush();
    sink.flush();
    expect(chunks.map((chunk) => chunk.ids.length)).toEqual([3, 1]);
    const index = new DesiredIndex();
    for (const chunk of chunks) index.append(chunk);
    expect(index.toArray()).toEqual(DesiredIndex.of(inputs).toArray());
    expect(index.indexOf("s1")).toBe(3);
    expect(() => index.append(chunks[0] as DesiredChunk)).toThrow(/duplicate/);
  });
});
