import { describe, expect, it } from "vitest";
import { formatDocPath, pointerToDocPath } from "../../src/manifest/doc-path.js";
import type { YamlDocument } from "../../src/manifest/parse-yaml.js";
import { parseYaml } from "../../src/manifest/parse-yaml.js";
import { formatProblem, sortProblems } from "../../src/manifest/problems.js";

const LIMITS = { maxAliasCount: 100, maxAliasExpansion: 10_000 };

function parse(text: string): YamlDocument {
  const result = parseYaml(text, LIMITS);
  if (!result.ok) throw new Error(result.message);
  return result.document;
}

const TEXT = [
  "version: 1", // 1
  "inputs:", // 2
  "  - id: a", // 3
  '    url: "https://x.example/a.jpg"', // 4
  "    concepts: [cat, { id: dog, value: 0 }]", // 5
  "    metadata:", // 6
  "      nested: { deep: [1, 2, { three: 3 }] }", // 7
  "      empty:", // 8
  "  - &second { id: b, url: 'https://x.example/b.jpg' }", // 9
  "  - *second", // 10
  "",
].join("\n");

describe("parseYaml", () => {
  it("gives plain values", () => {
    const { value } = parse(TEXT);
    expect(value).toEqual({
      version: 1,
      inputs: [
        {
          id: "a",
          url: "https://x.example/a.jpg",
          concepts: ["cat", { id: "dog", value: 0 }],
          metadata: { nested: { deep: [1, 2, { three: 3 }] }, empty: null },
        },
        { id: "b", url: "https://x.example/b.jpg" },
        { id: "b", url: "https://x.example/b.jpg" },
      ],
    });
  });

  it("locates any path, shallow or deep, block or flow, value or key", () => {
    const doc = parse(TEXT);
    const at = (path: (string | number)[], key = false) => doc.locate(path, { key });
    expect(at([])).toEqual({ line: 1, column: 1 });
    expect(at(["inputs", 0])).toEqual({ line: 3, column: 5 });
    expect(at(["inputs", 0, "url"])).toEqual({ line: 4, column: 10 });
    expect(at(["inputs", 0, "url"], true)).toEqual({ line: 4, column: 5 });
    expect(at(["inputs", 0, "concepts", 1, "value"])).toEqual({ line: 5, column: 39 });
    expect(at(["inputs", 0, "metadata", "nested", "deep", 2, "three"])).toEqual({
      line: 7,
      column: 39,
    });
    // An empty value has no position of its own: its key stands in.
    expect(at(["inputs", 0, "metadata", "empty"])).toEqual({ line: 8, column: 7 });
    // A path through an alias points at the alias.
    expect(at(["inputs", 2, "url"])).toEqual({ line: 10, column: 5 });
    expect(at(["inputs", 1, "url"])).toEqual({ line: 9, column: 27 });
  });

  it("locates many paths at once, deep and shallow alike", () => {
    const doc = parse(TEXT);
    expect(
      doc.locateAll([
        { path: ["inputs", 0, "concepts", 1, "value"] },
        { path: ["inputs", 1] },
        { path: ["inputs", 0, "metadata", "nested"], key: true },
      ]),
    ).toEqual([
      { line: 5, column: 39 },
      { line: 9, column: 5 },
      { line: 7, column: 7 },
    ]);
  });

  it("falls back to the deepest ancestor for paths that do not exist", () => {
    const doc = parse(TEXT);
    expect(doc.locate(["inputs", 0, "missing", "deeper"])).toEqual({ line: 3, column: 5 });
    expect(doc.locate(["inputs", 7])).toEqual({ line: 3, column: 3 });
  });

  it("counts lines the same with CRLF and CR line endings", () => {
    for (const eol of ["\r\n", "\r"]) {
      const doc = parse(["a: 1", "b:", "  c: 2"].join(eol));
      expect(doc.locate(["b", "c"])).toEqual({ line: 3, column: 6 });
    }
  });

  it("reports syntax errors with their position", () => {
    expect(parseYaml("a: [1, 2\nb: 3\n", LIMITS)).toEqual({
      ok: false,
      position: { line: 2, column: 1 },
      message: "invalid YAML: deficient indentation",
    });
    expect(parseYaml("a: !!binary aGk=\n", LIMITS)).toMatchObject({
      ok: false,
      position: { line: 1, column: 4 },
    });
  });

  it("reads an empty or comment-only document as null", () => {
    expect(parse("").value).toBeNull();
    expect(parse("# nothing\n").value).toBeNull();
    expect(parse("").locate(["x"])).toEqual({ line: 1, column: 1 });
  });
});

describe("paths and problems", () => {
  it("formats paths the way users read them", () => {
    expect(formatDocPath(["inputs", 3, "concepts", 0, "value"])).toBe(
      "inputs[3].concepts[0].value",
    );
    expect(formatDocPath(["metadata", "a b", "x-y", 0])).toBe('metadata["a b"]["x-y"][0]');
    expect(formatDocPath([])).toBe("");
  });

  it("reads JSON pointers against the data, so numeric keys stay keys", () => {
    const data = { inputs: [{ metadata: { "0": { "a/b": 1 } } }] };
    expect(pointerToDocPath("/inputs/0/metadata/0/a~1b", data)).toEqual([
      "inputs",
      0,
      "metadata",
      "0",
      "a/b",
    ]);
  });

  it("formats a problem on one line, leaving out what it does not have", () => {
    const base = { file: "m.yaml", line: 3, column: 7, path: "inputs[0].id", message: "bad" };
    expect(formatProblem(base)).toBe("m.yaml:3:7: inputs[0].id: bad");
    expect(formatProblem({ ...base, path: "" })).toBe("m.yaml:3:7: bad");
    expect(formatProblem({ ...base, line: 0, column: 0, path: "" })).toBe("m.yaml: bad");
  });

  it("sorts problems by file order, then line and column", () => {
    const p = (file: string, line: number, column: number) => ({
      file,
      line,
      column,
      path: "",
      message: "",
    });
    const sorted = sortProblems(
      [p("b", 1, 1), p("a", 2, 5), p("a", 2, 1), p("a", 1, 9)],
      ["a", "b"],
    );
    expect(sorted.map((x) => `${x.file}:${x.line}:${x.column}`)).toEqual([
      "a:1:9",
      "a:2:1",
      "a:2:5",
      "b:1:1",
    ]);
  });
});
