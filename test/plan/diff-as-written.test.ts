/**
 * The differ's fast check (a live input exactly as apply wrote it is unchanged) must agree with
 * the full comparison: whatever apply writes reads back as unchanged, in any key or concept
 * order, and any real difference is still found.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApiInput, JsonObject } from "../../src/api/types.js";
import type { DesiredInput } from "../../src/manifest/types.js";
import { diffInputs } from "../../src/plan/diff.js";
import { toPlannedInput } from "../../src/plan/planned-input.js";
import { fileInput, NAME, SHA_A, SHA_B, urlInput } from "./helpers.js";

/** Concept ids the fast check writes as they are, and ones JSON must escape. */
const conceptId = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{1,6}$/),
  fc.constantFrom('a"b', "x\\y", "tab\t", "é", "😀", "\ud800", "\u001f"),
);
const concepts = fc.uniqueArray(fc.record({ id: conceptId, value: fc.constantFrom<0 | 1>(0, 1) }), {
  selector: (c) => c.id,
  maxLength: 4,
});
const metadata = fc.dictionary(
  fc.string({ maxLength: 5 }).filter((k) => k !== "_dataset"),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
) as fc.Arbitrary<JsonObject>;
const declared = fc
  .tuple(fc.boolean(), concepts, metadata)
  .map(
    ([file, c, m]): DesiredInput =>
      file
        ? fileInput("a", { concepts: c, metadata: m, sha256: SHA_A })
        : urlInput("a", { concepts: c, metadata: m }),
  );

/** The input as the API echoes what apply wrote (ids, names and status added). */
function asWritten(input: DesiredInput): ApiInput {
  const planned = toPlannedInput(input, { manifestName: NAME, manifestDir: "/repo/data" });
  const image = "file" in planned.data.image ? {} : { url: planned.data.image.url };
  return {
    id: input.id,
    data: {
      image: { ...image, hosted: { prefix: "https://h", suffix: "x/a", sizes: ["orig"] } },
      concepts: planned.data.concepts.map((c) => ({ ...c, name: c.id })),
      metadata: JSON.parse(JSON.stringify(planned.data.metadata)) as JsonObject,
    },
    status: { code: 30000 },
  };
}

function reversedKeys(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).reverse()) as JsonObject;
}

function summaryOf(input: DesiredInput, live: ApiInput) {
  return diffInputs({ manifestName: NAME, desired: [input], live: [live], prune: false }).summary;
}

describe("a live input exactly as apply wrote it", () => {
  it("is unchanged, also with its concepts and metadata keys listed in another order", () => {
    fc.assert(
      fc.property(declared, (input) => {
        const live = asWritten(input);
        expect(summaryOf(input, live).unchanged).toBe(1);
        const data = live.data ?? {};
        const reordered: ApiInput = {
          ...live,
          data: {
            ...data,
            concepts: [...(data.concepts ?? [])].reverse(),
            metadata: reversedKeys(data.metadata ?? {}),
          },
        };
        expect(summaryOf(input, reordered).unchanged).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it("still shows every real difference", () => {
    fc.assert(
      fc.property(declared, fc.nat(5), (input, kind) => {
        const live = asWritten(input);
        const data = live.data ?? {};
        const metadata = data.metadata ?? {};
        if (kind === 0) data.metadata = { ...metadata, extra: 1 };
        if (kind === 1) data.concepts = [...(data.concepts ?? []), { id: "zz-new", value: 1 }];
        if (kind === 2) data.metadata = { ...metadata, _dataset: { manifest: "other" } };
        if (kind === 3) live.status = { code: 30002 };
        if (kind === 4) {
          if (input.image.kind === "url") data.image = { url: "https://img.example.com/else.jpg" };
          else data.metadata = { ...metadata, _dataset: { manifest: NAME, sha256: SHA_B } };
        }
        if (kind === 5) {
          const { _dataset: _marker, ...user } = metadata;
          data.metadata = user;
        }
        expect(summaryOf(input, live).unchanged).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
