import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { manifestOf, PNG, problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

const ROOT = (extra = "") =>
  `version: 1\nname: lines\ndefaults:\n  metadata: { team: vision }\n${extra}sources:\n  - jsonl: data/inputs.jsonl\n`;

describe("jsonl sources", () => {
  it("declares one input per line, with defaults, files relative to the JSONL file, and origins", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(),
      "data/inputs.jsonl": [
        '\uFEFF{"id":"a","url":"https://img.example.com/a.jpg","concepts":["cat",{"id":"dog","value":false}]}',
        "",
        '{"id":"b","file":"pics/b.png","metadata":{"split":"train","__proto__":{"x":1}}}',
        "",
      ].join("\n"),
      "data/pics/b.png": PNG,
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(
      manifest.inputs
        .toArray()
        .map(({ id, concepts, origin, source }) => ({ id, concepts, origin, source })),
    ).toEqual([
      {
        id: "a",
        concepts: [
          { id: "cat", value: 1 },
          { id: "dog", value: 0 },
        ],
        origin: "data/inputs.jsonl:1",
        source: { file: "data/inputs.jsonl", line: 1, column: 0 },
      },
      {
        id: "b",
        concepts: [],
        origin: "data/inputs.jsonl:3",
        source: { file: "data/inputs.jsonl", line: 3, column: 0 },
      },
    ]);
    const b = manifest.inputs.toArray()[1];
    expect(b?.image).toMatchObject({ kind: "file", absPath: join(dir, "data/pics/b.png") });
    expect(JSON.stringify(b?.metadata)).toBe(
      '{"__proto__":{"x":1},"split":"train","team":"vision"}',
    );
    expect(Object.getPrototypeOf(b?.metadata)).toBe(Object.prototype);
  });

  it("keys each input by its concepts and metadata as normalised, with or without defaults", async () => {
    const line =
      '{"metadata":{"z":1,"a":{"y":2,"b":[1,"x"]}},"id":"a","url":"https://img.example.com/a.jpg","concepts":["cat",{"id":"dog","value":false},{"id":"bird"}]}';
    const keyOf = async (root: string) => {
      const dir = await tree({ "dataset.yaml": root, "data/inputs.jsonl": `${line}\n` });
      return manifestOf(await loadManifest("dataset.yaml", { cwd: dir })).inputs.keyAt(0);
    };
    expect(await keyOf(ROOT().replace(/defaults:\n.*\n/, ""))).toBe(
      '[["bird",1],["cat",1],["dog",0]]\n{"a":{"b":[1,"x"],"y":2},"z":1}',
    );
    expect(await keyOf(ROOT())).toBe(
      '[["bird",1],["cat",1],["dog",0]]\n{"a":{"b":[1,"x"],"y":2},"team":"vision","z":1}',
    );
    expect(
      await keyOf(ROOT().replace("metadata: { team: vision }", "concepts: [cat, {id: ant}]")),
    ).toBe('[["ant",1],["bird",1],["cat",1],["dog",0]]\n{"a":{"b":[1,"x"],"y":2},"z":1}');
  });

  it("reports every bad line at its line, with the path inside the input, in one run", async () => {
    const dir = await tree({
      "dataset.yaml":
        "version: 1\nname: lines\ninputs:\n  - { id: a, url: https://img.example.com/y.jpg }\nsources:\n  - jsonl: inputs.jsonl\n",
      "inputs.jsonl": [
        '{"id":"ok","url":"https://img.example.com/ok.jpg"}',
        '{"id":"a","url":"https://img.example.com/a.jpg"}',
        "{not json",
        '{"id":"bad id","url":"https://img.example.com/c.jpg"}',
        '{"id":"d","url":"https://img.example.com/d.jpg","concepts":[{"id":"x","value":2}]}',
        '{"id":"e","file":"missing.png"}',
        '{"id":"f","url":"https://img.example.com/f.jpg","metadata":{"n":9007199254740993}}',
        '{"id":"g","url":"https://img.example.com/ok.jpg"}',
        '{"id":"h","url":"https://img.example.com/h.jpg","urll":1}',
      ].join("\n"),
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual(
      [
        'inputs.jsonl:2: id: duplicate input id "a" (also declared at dataset.yaml:4:11)',
        expect.stringMatching(/^inputs\.jsonl:3: not valid JSON \(.+\)$/),
        'inputs.jsonl:4: id: must be 1 to 48 letters, digits, "_" or "-", got "bad id"',
        "inputs.jsonl:5: concepts[0].value: must be 0 or 1",
        "inputs.jsonl:6: file: file not found: missing.png",
        'inputs.jsonl:7: metadata.n: 9007199254740993 cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to 9007199254740992); quote it to keep it as a string: "9007199254740993"',
        'inputs.jsonl:8: url: URL also used by input "ok" at inputs.jsonl:1; set allow_duplicate_url: true on every input that shares it',
        'inputs.jsonl:1: url: URL also used by input "g" at inputs.jsonl:8; set allow_duplicate_url: true on every input that shares it',
        'inputs.jsonl:9: unknown field "urll" (expected one of: id, url, file, concepts, metadata, allow_duplicate_url)',
      ].sort(byLine),
    );
  });

  it("reports a missing JSONL file at the source entry", async () => {
    const dir = await tree({ "dataset.yaml": ROOT() });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:6:12: sources[0].jsonl: file not found: data/inputs.jsonl",
    ]);
  });
});

/** Problems come sorted by line within a file. */
function byLine(a: unknown, b: unknown): number {
  const line = (s: unknown) => (typeof s === "string" ? Number(/:(\d+):/.exec(s)?.[1] ?? 0) : 3);
  return line(a) - line(b);
}
