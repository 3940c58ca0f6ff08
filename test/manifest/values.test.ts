import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { manifestOf, problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

describe("values the manifest accepts as real clients write them", () => {
  it("reads a concept's value true|false as 1|0", async () => {
    const dir = await tree({
      "dataset.yaml":
        "version: 1\nname: v\ndefaults:\n  concepts: [{ id: d, value: false }]\ninputs:\n  - id: a\n    url: https://img.example.com/a.jpg\n    concepts: [{ id: yes, value: true }, { id: no, value: false }]\n",
    });
    const [input] = manifestOf(await loadManifest("dataset.yaml", { cwd: dir })).inputs.toArray();
    expect(input?.concepts).toEqual([
      { id: "d", value: 0 },
      { id: "no", value: 0 },
      { id: "yes", value: 1 },
    ]);
  });

  it("keeps metadata keys named __proto__ and constructor as data, through defaults merging", async () => {
    const dir = await tree({
      "dataset.yaml": [
        "version: 1",
        "name: v",
        "defaults:",
        "  metadata: { __proto__: { from: defaults, polluted: true }, constructor: 1 }",
        "inputs:",
        "  - id: a",
        "    url: https://img.example.com/a.jpg",
        "    metadata: { __proto__: { from: input } }",
        "",
      ].join("\n"),
    });
    const [input] = manifestOf(await loadManifest("dataset.yaml", { cwd: dir })).inputs.toArray();
    const metadata = input?.metadata ?? {};
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.keys(metadata)).toEqual(["__proto__", "constructor"]);
    expect(JSON.stringify(metadata)).toBe(
      '{"__proto__":{"from":"input","polluted":true},"constructor":1}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses an integer that a JSON double cannot hold, with the hint to quote it", async () => {
    const dir = await tree({
      "dataset.yaml": [
        "version: 1",
        "name: v",
        "defaults:",
        "  metadata: { big: -9007199254740993 }",
        "inputs:",
        "  - id: a",
        "    url: https://img.example.com/a.jpg",
        "    metadata:",
        "      fine: 9007199254740992",
        "      float: 1e20",
        "      quoted: '12345678901234567890'",
        "      nested: { list: [1, 12345678901234567891] }",
        "",
      ].join("\n"),
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'dataset.yaml:4:20: defaults.metadata.big: -9007199254740993 cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to -9007199254740992); quote it to keep it as a string: "-9007199254740993"',
      'dataset.yaml:12:27: inputs[0].metadata.nested.list[1]: 12345678901234567891 cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to 12345678901234567000); quote it to keep it as a string: "12345678901234567891"',
    ]);
  });
});
