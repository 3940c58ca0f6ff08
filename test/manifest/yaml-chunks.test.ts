import { describe, expect, it } from "vitest";
import type { DocPath } from "../../src/manifest/doc-path.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { ParseYamlResult } from "../../src/manifest/parse-yaml.js";
import { parseWhole, parseYaml } from "../../src/manifest/parse-yaml.js";
import { parseInputsInSlices } from "../../src/manifest/yaml-chunks.js";
import { problemLines, useTempDirs } from "./helpers.js";

const LIMITS = { maxAliasCount: 100, maxAliasExpansion: 10_000 };
const { tree } = useTempDirs();

/** Enough items for several slices (500 each), with `special` items spliced in at some indexes. */
function listText(count: number, special: Record<number, string> = {}, indent = "  "): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = special[i];
    if (item !== undefined) {
      lines.push(item);
      continue;
    }
    lines.push(`${indent}- id: img-${i}`, `${indent}  url: https://x.example/${i}.jpg`);
    if (i % 3 === 0) lines.push(`${indent}  concepts: [cat, { id: dog, value: 0 }]`);
    if (i % 5 === 0)
      lines.push(`${indent}  metadata:`, `${indent}    n: ${i}`, `${indent}    s: "x"`);
  }
  return `${lines.join("\n")}\n`;
}

/** Paths whose positions both parses must agree on: each item, and some inside items. */
function probePaths(count: number): { path: DocPath; key?: boolean }[] {
  const paths: { path: DocPath; key?: boolean }[] = [{ path: [] }, { path: ["inputs"] }];
  for (let i = 0; i < count; i += 97) {
    paths.push({ path: ["inputs", i] }, { path: ["inputs", i, "url"] });
    paths.push({ path: ["inputs", i, "url"], key: true });
  }
  paths.push({ path: ["inputs", count - 1] }, { path: ["name"], key: true }, { path: ["sources"] });
  return paths;
}

/** Asserts that the sliced parse applies and gives what the whole-file parse gives. */
function expectSameAsWhole(text: string, count: number): void {
  expect(parseInputsInSlices(text)).toBeDefined();
  const sliced = parseYaml(text, LIMITS);
  const whole = parseWhole(text, LIMITS);
  if (!sliced.ok || !whole.ok) throw new Error("expected both parses to succeed");
  expect(sliced.document.value).toEqual(whole.document.value);
  const requests = probePaths(count);
  expect(sliced.document.locateAll(requests)).toEqual(whole.document.locateAll(requests));
}

/** Asserts that the sliced parse declines and parseYaml gives exactly the whole-file result. */
function expectWholeParse(text: string): ParseYamlResult {
  expect(parseInputsInSlices(text)).toBeUndefined();
  const result = parseYaml(text, LIMITS);
  const whole = parseWhole(text, LIMITS);
  if (result.ok && whole.ok) expect(result.document.value).toEqual(whole.document.value);
  else expect(result).toEqual(whole);
  return result;
}

const HEAD = "version: 1\nname: big\ninputs:\n";

describe("parsing the inputs: list in slices", () => {
  it("gives the whole-file values and positions over many slices", () => {
    expectSameAsWhole(`${HEAD}${listText(1234)}`, 1234);
    // Keys after the list, comments and blank lines between items, CRLF line ends.
    const text = `# head\n${HEAD}  # first comment\n\n${listText(1100, {
      500: "# a comment at column 0\n\n  - id: after-comment\n    url: https://x.example/c.jpg",
    })}sources:\n  - jsonl: a.jsonl\n`;
    expectSameAsWhole(text, 1100);
    expectSameAsWhole(text.replaceAll("\n", "\r\n"), 1100);
    expectSameAsWhole(`${HEAD}${listText(700, {}, "    ")}`, 700);
    expectSameAsWhole(`${HEAD}${listText(3, { 1: `  - ${"[".repeat(96)}${"]".repeat(96)}` })}`, 3);
  });

  it("keeps block and multi-line scalars that end at a slice boundary intact", () => {
    const special: Record<number, string> = {
      499: "  - id: literal\n    url: |+\n      kept\n\n\n",
      999: "  - id: folded\n    url: >-\n      one\n      two\n\n",
      1000: "  - plain scalar\n    continued here",
      1001: '  - "quoted\n    continued"',
      1002: "  - [flow,\n    list]",
      1003: "  -\n    id: on-next-line",
      1004: "  - 1: one\n    ~: tilde\n    true: t\n    .inf: inf\n    0x1F: hex\n    empty:",
      1005: "  - __proto__: { polluted: true }\n    'single': \"double\"\n    ? explicit\n    : value",
      1006: "  - [1, 2.5, -3e2, .nan, null, ~, true, False, 0o17, '', \"\\u00e9\"]",
    };
    expectSameAsWhole(`${HEAD}${listText(1010, special)}`, 1010);
  });

  it("leaves anchors, aliases, tags and other layouts to the whole-file parse", () => {
    const anchored = expectWholeParse(
      `${HEAD}${listText(600, { 10: "  - &a { id: a, url: 'https://x/a.jpg' }", 550: "  - *a" })}`,
    );
    expect(anchored.ok && (anchored.document.value as { inputs: unknown[] }).inputs[550]).toEqual({
      id: "a",
      url: "https://x/a.jpg",
    });
    expectWholeParse(`${HEAD}${listText(600, { 599: "  - !!map { id: t }" })}`);
    expectWholeParse(`${HEAD.replace("inputs:", "inputs: &list")}${listText(10)}`);
    expectWholeParse(`version: 1\ninputs: [a, b]\n`);
    // Items at column 0 (a compact list) are not recognised.
    expectWholeParse(`${HEAD}${listText(700, {}, "")}`);
    expectWholeParse(`{version: 1,\ninputs:\n  - a\n}\n`);
    expectWholeParse(`${HEAD}${listText(10)}- stray: entry at column 0\n`);
  });

  it("reports the whole-file error, at its position, for what the slices cannot accept", () => {
    const cases = [
      // A duplicate key deep in a later slice.
      `${HEAD}${listText(900, { 777: "  - id: dup\n    id: again" })}`,
      // A quoted scalar running into the next item's line.
      `${HEAD}${listText(900, { 600: '  - "open\n  - id: x' })}`,
      // A line less indented than the items.
      `${HEAD}${listText(900, { 650: " - id: bad-indent" })}`,
      // A second document after the list, and a second inputs: key.
      `${HEAD}${listText(600)}---\nname: again\n`,
      `${HEAD}${listText(600)}inputs:\n  - id: again\n`,
      // Nesting that only the whole file takes past the depth limit.
      `${HEAD}${listText(3, { 1: `  - ${"[".repeat(98)}${"]".repeat(98)}` })}`,
    ];
    for (const text of cases) {
      const result = expectWholeParse(text);
      expect(result.ok).toBe(false);
    }
  });

  it("locates problems in a large file at the same file:line:col", async () => {
    const special: Record<number, string> = {
      1100: "  - id: bad id\n    url: https://x.example/bad.jpg",
      1200: "  - id: img-5\n    url: https://x.example/dup.jpg",
    };
    const dir = await tree({ "big.yaml": `${HEAD}${listText(1300, special)}` });
    const lines = problemLines(await loadManifest("big.yaml", { cwd: dir, cacheDir: false }));
    const text = `${HEAD}${listText(1300, special)}`;
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;
    expect(
      lines.some((l) => l.startsWith(`big.yaml:${lineOf("id: bad id")}:9: inputs[1100].id`)),
    ).toBe(true);
    expect(
      lines.some((l) => l.includes(`:${lineOf("id: img-5\n    url: https://x.example/dup")}:`)),
    ).toBe(true);
  });

  // FUZZ_ROUNDS / FUZZ_SEED run it longer by hand (1,500 rounds of seed 777 agreed).
  it("agrees with the whole-file parse on randomly damaged lists", () => {
    const snippets = [
      "\n  - ",
      "\n- ",
      "\n ",
      '"',
      "'",
      "[",
      "]",
      "{",
      "}",
      "\n#",
      " #",
      "&a ",
      "*a",
      "!!str ",
      "\n---\n",
      "\n...\n",
      "|\n",
      ">-\n",
      "\t",
      ": ",
      "\ninputs:\n",
      "\r",
      "? ",
      "-",
      "\n    ",
      "\n  ",
      "\u0000",
      "\n%TAG ! x\n",
      ",",
      "\n\n",
    ];
    const base = `${HEAD}${listText(520)}sources: []\n`;
    let seed = Number(process.env.FUZZ_SEED ?? 12345);
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let sliced = 0;
    for (let round = 0; round < Number(process.env.FUZZ_ROUNDS ?? 150); round++) {
      let text = base;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length);
        text = `${text.slice(0, at)}${snippets[random(snippets.length)]}${text.slice(at)}`;
      }
      if (parseInputsInSlices(text) !== undefined) sliced++;
      const result = parseYaml(text, LIMITS);
      const whole = parseWhole(text, LIMITS);
      expect(result.ok).toBe(whole.ok);
      if (!result.ok || !whole.ok) {
        expect(result).toEqual(whole);
        continue;
      }
      expect(result.document.value).toEqual(whole.document.value);
      const requests = probePaths(520);
      expect(result.document.locateAll(requests)).toEqual(whole.document.locateAll(requests));
    }
    // Some of the damage leaves the layout sliceable (the rest checks the fallback).
    expect(sliced).toBeGreaterThan(15);
  });
});
