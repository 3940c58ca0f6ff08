import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LoadResult } from "../../src/manifest/load.js";
import { formatProblem, loadManifest } from "../../src/manifest/load.js";
import { PNG, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

/** The loader's promise: a manifest or well-formed one-line problems, never an exception. */
function expectWellFormed(result: LoadResult): void {
  if (result.ok) {
    expect(Array.isArray(result.manifest.inputs.toArray())).toBe(true);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(typeof problem.file).toBe("string");
    expect(Number.isInteger(problem.line) && problem.line >= 0).toBe(true);
    expect(Number.isInteger(problem.column) && problem.column >= 0).toBe(true);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(formatProblem(problem)).not.toMatch(/\n/);
  }
}

/** Glob characters could make an `include:` walk the whole disk; keep strings literal. */
function literalStrings(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/[*?[\]{}()!+@]/g, "_");
  if (Array.isArray(value)) return value.map(literalStrings);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalStrings(v)]));
  }
  return value;
}

const YAML_PIECES = [
  "version: 1\n",
  "name: prop\n",
  "inputs:\n",
  "include:\n",
  "defaults:\n",
  "  - ",
  "    ",
  "  ",
  "id: a",
  "id: b",
  "url: https://img.example.com/a.jpg",
  "file: pic.png",
  "concepts: [cat, dog]",
  "concepts:\n",
  "- { id: cat, value: 0 }",
  "metadata: { a: 1 }",
  "metadata:\n",
  "_dataset: x",
  "allow_duplicate_url: true",
  "value: 2",
  "&anchor ",
  "*anchor",
  "<<: *anchor",
  "!!str ",
  "!!binary ",
  "? ",
  ": ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "'",
  '"',
  "|\n",
  ">-\n",
  "---\n",
  "...\n",
  "# c\n",
  "\t",
  "\n",
  "~",
  ".inf",
  ".nan",
  "0x1F",
  "- inputs/missing.yaml\n",
  "- self.yaml\n",
  "\u00e9",
  "\ufeff",
];

const manifestLike = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.jsonValue()),
    name: fc.oneof(fc.constantFrom("prop", "Bad Name", ""), fc.jsonValue()),
    defaults: fc.oneof(
      fc.record(
        {
          allow_duplicate_url: fc.boolean(),
          concepts: fc.array(fc.string()),
          metadata: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    inputs: fc.array(
      fc.oneof(
        fc.record(
          {
            id: fc.oneof(fc.constantFrom("a", "b", "bad id"), fc.string({ maxLength: 60 })),
            url: fc.oneof(
              fc.constantFrom("https://img.example.com/a.jpg", "ftp://x", "https://a b"),
              fc.string(),
            ),
            file: fc.constantFrom("pic.png", "missing.png", ".", ""),
            concepts: fc.array(
              fc.oneof(
                fc.string(),
                fc.record({ id: fc.string(), value: fc.jsonValue() }, { requiredKeys: [] }),
              ),
            ),
            metadata: fc.jsonValue(),
            allow_duplicate_url: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
      { maxLength: 6 },
    ),
  },
  { requiredKeys: [] },
);

describe("the loader never throws", () => {
  it("on arbitrary YAML-ish text", async () => {
    const dir = await tree({ "pic.png": PNG });
    const path = join(dir, "self.yaml");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .array(fc.constantFrom(...YAML_PIECES), { maxLength: 40 })
            .map((pieces) => pieces.join("")),
          fc.string(),
        ),
        async (text) => {
          await writeFile(path, text);
          expectWellFormed(await loadManifest(path, { cwd: dir }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on arbitrary bytes", async () => {
    const dir = await tree({});
    const path = join(dir, "bytes.yaml");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        await writeFile(path, bytes);
        expectWellFormed(await loadManifest(path, { cwd: dir }));
      }),
      { numRuns: 100 },
    );
  });

  it("on arbitrary JSON values and manifest-shaped ones", async () => {
    const dir = await tree({ "pic.png": PNG });
    const path = join(dir, "dataset.yaml");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), manifestLike), async (value) => {
        await writeFile(path, JSON.stringify(literalStrings(value)) ?? "null");
        expectWellFormed(await loadManifest(path, { cwd: dir }));
      }),
      { numRuns: 300 },
    );
  });
});
