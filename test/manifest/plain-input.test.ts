import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainInputAcceptor } from "../../src/manifest/plain-input.js";
import { datasetSchema, validateInputValue } from "../../src/manifest/schema.js";

const defs = datasetSchema().$defs as Record<string, unknown>;
const accepts = plainInputAcceptor(defs);

/** Extra fields for one value in eight. */
const rarely = <T>(extra: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: extra });
/** Values near an input's shape: each field right, wrong in a small way, or of another type. */
const nearString = (good: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 24, arbitrary: good },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "a b", "x".repeat(49), "é", "-") },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );
const goodId = fc.stringMatching(/^[A-Za-z0-9_-]{1,48}$/);
const goodUrl = fc
  .tuple(fc.constantFrom("http", "https", "HTTPS", "hTtP", "ftp", "https:"), fc.webPath())
  .map(([scheme, path]) => `${scheme}://img.example.com${path}`);
const concept = fc.oneof(
  nearString(goodId),
  fc
    .tuple(
      fc.record(
        {
          id: nearString(goodId),
          value: fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(0, 1, true, false) },
            { weight: 1, arbitrary: fc.constantFrom(2, -1, "1", null, 0.5, -0) },
          ),
        },
        { requiredKeys: [] },
      ),
      rarely(fc.record({ extra: fc.jsonValue({ maxDepth: 1 }) })),
    )
    .map(([own, extra]) => ({ ...own, ...(extra ?? {}) })),
);
const goodFile = fc.constantFrom("a.png", "pics/b.jpg", "c d.png");
/** Exactly one of url and file, mostly; sometimes both or neither. */
const image = fc.oneof(
  { weight: 4, arbitrary: fc.record({ url: nearString(goodUrl) }) },
  { weight: 4, arbitrary: fc.record({ file: nearString(goodFile) }) },
  { weight: 1, arbitrary: fc.record({ url: nearString(goodUrl), file: nearString(goodFile) }) },
  { weight: 1, arbitrary: fc.constant({}) },
);
const fields = fc.record(
  {
    id: nearString(goodId),
    concepts: fc.oneof(
      { weight: 5, arbitrary: fc.array(concept, { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    ),
    metadata: fc.oneof(
      { weight: 5, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue()) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    ),
    allow_duplicate_url: fc.oneof(
      { weight: 6, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 0 }) },
    ),
  },
  { requiredKeys: [] },
);
const unknownField = rarely(fc.record({ urll: fc.string({ maxLength: 5 }) }));
const nearInput = fc
  .tuple(fields, image, unknownField)
  .map(([own, picture, unknown]) => ({ ...own, ...picture, ...(unknown ?? {}) }));
/** As a JSONL line holds it: written, then read back with JSON.parse. */
const line = fc
  .oneof({ weight: 9, arbitrary: nearInput }, { weight: 1, arbitrary: fc.jsonValue() })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown);

describe("the plain input acceptor", () => {
  it("is on for the package's schema", () => {
    expect(accepts).toBeDefined();
  });

  it("turns itself off when the schema's input is not the shape it knows", () => {
    const changed = structuredClone(defs) as Record<string, Record<string, unknown>>;
    (changed.input?.properties as Record<string, unknown>).rotation = { type: "number" };
    expect(plainInputAcceptor(changed)).toBeUndefined();
    const pattern = structuredClone(defs) as Record<string, Record<string, unknown>>;
    (pattern.inputId as Record<string, unknown>).maxLength = 10;
    expect(plainInputAcceptor(pattern)).toBeUndefined();
  });

  it("accepts only what ajv accepts, so JSONL lines get exactly ajv's problems", () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(line, (value) => {
        const slow = validateInputValue(value, { fastPath: false });
        if (accepts?.(value) === true) {
          accepted++;
          expect(slow).toEqual([]);
        } else if (slow.length > 0) rejected++;
        expect(validateInputValue(value)).toEqual(slow);
      }),
      { numRuns: 3000 },
    );
    // Both sides of the decision were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it("leaves to ajv what it does not know: an own __proto__, a null prototype, other objects", () => {
    const lines = [
      '{"id":"a","url":"https://x.test/a.jpg","__proto__":{"id":"b"}}',
      '{"id":"a","url":"https://x.test/a.jpg","concepts":[{"id":"c","__proto__":{}}]}',
    ];
    for (const text of lines) {
      const value: unknown = JSON.parse(text);
      expect(accepts?.(value)).toBe(false);
      expect(validateInputValue(value)).toEqual(validateInputValue(value, { fastPath: false }));
    }
    const bare = Object.assign(Object.create(null) as object, { id: "a", url: "https://x.test" });
    expect(accepts?.(bare)).toBe(false);
    expect(accepts?.(new Date())).toBe(false);
    expect(accepts?.({ id: "a", url: "https://x.test/a.jpg", file: undefined })).toBe(false);
  });

  it("accepts the common inputs", () => {
    for (const value of [
      { id: "a", url: "https://x.test/a.jpg" },
      { id: "a-1_B", file: "p.png", concepts: ["cat", { id: "dog", value: false }], metadata: {} },
      { id: "a", url: "HTTP://x", concepts: [], metadata: { a: [1] }, allow_duplicate_url: true },
    ]) {
      expect(accepts?.(value)).toBe(true);
      expect(validateInputValue(value, { fastPath: false })).toEqual([]);
    }
  });
});
