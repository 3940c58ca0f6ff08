import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastListedId } from "../../src/api/last-listed-id.js";

/** Strings that try to fool a backward scan: quotes, backslashes, brackets, non-ASCII. */
const tricky = fc.string({
  unit: fc.constantFrom('"', "\\", "{", "}", "[", "]", ",", ":", "a", "é", "😀", " ", "\n"),
  maxLength: 8,
});
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(tricky, tie("value"), { maxKeys: 3 }),
  ),
})).value;
const listed = fc.record({ id: tricky, data: fc.dictionary(tricky, json, { maxKeys: 3 }) });

describe("lastListedId", () => {
  it("reads the last input's id off the end of any answer as JSON.stringify writes it", () => {
    fc.assert(
      fc.property(
        fc.array(listed, { minLength: 1, maxLength: 4 }),
        json,
        fc.constantFrom(undefined, 2),
        (inputs, status, indent) => {
          const text = JSON.stringify({ status, inputs }, null, indent);
          expect(lastListedId(text)).toBe(inputs.at(-1)?.id);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads ids whose last character is an escaped quote or a backslash", () => {
    for (const id of ['a"', "a\\", 'a\\"', "}", '\\\\"{']) {
      const text = JSON.stringify({ inputs: [{ id: "first" }, { data: { x: "]}" }, id }] });
      expect(lastListedId(text)).toBe(id);
    }
  });

  it("does not guess when the text does not end with a list of objects", () => {
    expect(lastListedId('{"status":{"code":10000},"inputs":[]}')).toBeUndefined();
    expect(lastListedId('{"status":{"code":10000}}')).toBeUndefined();
    expect(lastListedId('{"inputs":[{"id":7}]}')).toBeUndefined();
    expect(lastListedId('{"inputs":["a"]}')).toBeUndefined();
    expect(lastListedId('{"inputs":[{"id":"a"}]} trailing')).toBeUndefined();
    expect(lastListedId('{"inputs":{"id":"a"}]}')).toBeUndefined();
    expect(lastListedId('"id":"a"}]}')).toBeUndefined();
    expect(lastListedId("")).toBeUndefined();
  });

  it("guesses from whatever list ends the answer (the caller checks the guess)", () => {
    const text = '{"inputs":[{"id":"a"}],"other":[{"id":"z"}]}';
    expect(lastListedId(text)).toBe("z");
  });
});
