import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { problemLines, useTempDirs } from "./helpers.js";

const DIR = "test/fixtures/manifests";
const { tree } = useTempDirs();
const ID_RULE = 'must be 1 to 48 letters, digits, "_" or "-"';

/** One fixture per rule: the exact lines `dataset validate` prints for it. */
const CASES: Record<string, string[]> = {
  "unknown-field.yaml": [
    '5:5: inputs[0]: unknown field "urll" (expected one of: id, url, file, concepts, metadata, allow_duplicate_url)',
  ],
  "unknown-top-level-field.yaml": [
    '3:1: unknown field "input" (expected one of: version, name, app, defaults, include, inputs, sources)',
  ],
  "missing-id.yaml": ['4:5: inputs[0]: missing required field "id"'],
  "missing-name.yaml": ['1:1: missing required field "name"'],
  "bad-version.yaml": ["1:10: version: must be 1, got 2"],
  "bad-name.yaml": [
    '2:7: name: must be lowercase letters, digits, "_" or "-", start with a letter or digit, and be at most 63 characters, got "Product Photos"',
  ],
  "bad-input-id.yaml": [
    `4:9: inputs[0].id: ${ID_RULE}, got "train 1"`,
    `6:9: inputs[1].id: ${ID_RULE}, got "a-very-long-input-id-that-goes-on-beyond-the-48-chars"`,
  ],
  "url-and-file.yaml": ['4:5: inputs[0]: must have exactly one of "url" or "file", not both'],
  "neither-url-nor-file.yaml": ['4:5: inputs[0]: must have exactly one of "url" or "file"'],
  "not-http-url.yaml": [
    '5:10: inputs[0].url: must be an http:// or https:// URL, got "ftp://samples.clarifai.com/metro-north.jpg"',
  ],
  "invalid-url.yaml": ["5:10: inputs[0].url: is not a valid URL"],
  "url-whitespace.yaml": ["5:10: inputs[0].url: must not start or end with whitespace"],
  "concept-value.yaml": ["7:31: inputs[0].concepts[0].value: must be 0 or 1"],
  "bad-concept.yaml": [
    `6:22: inputs[0].concepts[1]: ${ID_RULE}, got "not good"`,
    "6:34: inputs[0].concepts[2]: must be a concept id or a mapping {id, value}, got 7",
    '6:37: inputs[0].concepts[3]: missing required field "id"',
  ],
  "duplicate-concept.yaml": [
    '9:9: inputs[0].concepts[2]: concept "charlie" is listed twice (first as concepts[0])',
  ],
  "duplicate-id.yaml": [
    '8:9: inputs[2].id: duplicate input id "train1" (also declared at test/fixtures/manifests/duplicate-id.yaml:4:9)',
  ],
  "shared-url.yaml": [
    '5:10: inputs[0].url: URL also used by input "puppy2" at test/fixtures/manifests/shared-url.yaml:7:10; set allow_duplicate_url: true on every input that shares it',
    '10:10: inputs[2].url: URL also used by input "puppy1" at test/fixtures/manifests/shared-url.yaml:5:10; set allow_duplicate_url: true on every input that shares it',
  ],
  "reserved-metadata.yaml": [
    `8:7: inputs[0].metadata._dataset: "_dataset" is reserved for dataset's ownership marker; use another key`,
  ],
  "metadata-not-object.yaml": ["6:15: inputs[0].metadata: must be a mapping, got a list"],
  "non-finite-metadata.yaml": [
    "7:13: inputs[0].metadata.size: must be a finite number (JSON has no Infinity)",
    "8:21: inputs[0].metadata.scores[1]: must be a finite number (JSON has no NaN)",
  ],
  "yaml-syntax.yaml": ["6:4: invalid YAML: bad indentation of a sequence entry"],
  "duplicate-key.yaml": ['6:5: invalid YAML: duplicate key "url"'],
  "two-documents.yaml": [
    "4:1: a manifest file holds one YAML document; remove the second one (after `---`)",
  ],
  "file-not-found.yaml": [
    "5:11: inputs[0].file: file not found: test/fixtures/manifests/images/cat.jpg",
  ],
  "file-is-directory.yaml": ["5:11: inputs[0].file: not a regular file: test/fixtures/manifests"],
  "wrong-types.yaml": [
    '3:6: app: must be a mapping, got "my-app"',
    '4:10: include: must be a list, got "inputs/*.yaml"',
    "6:9: inputs[0].id: must be a string, got 42",
    "7:5: inputs[0].url: must be a string, got an empty value",
    '8:26: inputs[0].allow_duplicate_url: must be true or false, got "yes"',
  ],
  "not-a-mapping.yaml": [
    '1:1: a manifest must be a mapping with "version", "name" and "inputs", got a list',
  ],
  "empty.yaml": ['1:1: file is empty; a manifest needs "version", "name" and "inputs"'],
  "bad-defaults.yaml": [
    '4:3: defaults: unknown field "allow_duplicate_urls" (expected one of: allow_duplicate_url, concepts, metadata)',
    '5:17: defaults.concepts[1]: concept "a" is listed twice (first as concepts[0])',
    `7:5: defaults.metadata._dataset: "_dataset" is reserved for dataset's ownership marker; use another key`,
  ],
};

describe("one fixture per rule", () => {
  for (const [fixture, expected] of Object.entries(CASES)) {
    it(fixture, async () => {
      const path = `${DIR}/${fixture}`;
      const result = await loadManifest(path);
      expect(problemLines(result)).toEqual(expected.map((line) => `${path}:${line}`));
    });
  }

  it("accepts a URL shared by inputs that all allow it (here through defaults)", async () => {
    const result = await loadManifest(`${DIR}/shared-url-allowed.yaml`);
    expect(result.ok).toBe(true);
  });
});

describe("a manifest with many mistakes", () => {
  it("reports a problem per bad input, each at its own place, however many", async () => {
    const inputs = Array.from(
      { length: 2000 },
      (_, i) => `  - { id: in-${i}, url: "ftp://x/${i}", concepts: [{ id: c, value: 3 }] }`,
    );
    const dir = await tree({ "m.yaml": `version: 1\nname: many\ninputs:\n${inputs.join("\n")}\n` });
    const lines = problemLines(await loadManifest("m.yaml", { cwd: dir }));
    expect(lines).toHaveLength(4000);
    expect(lines[2]).toBe(
      'm.yaml:5:22: inputs[1].url: must be an http:// or https:// URL, got "ftp://x/1"',
    );
    expect(lines[3999]).toBe("m.yaml:2003:68: inputs[1999].concepts[0].value: must be 0 or 1");
  });

  it("reports a concept listed again against its first listing, in short lists and long", async () => {
    const list = (count: number) =>
      Array.from({ length: count }, (_, i) => (i === count - 1 || i === 4 ? "c2" : `c${i}`));
    const dir = await tree({
      "m.yaml": `version: 1\nname: lists\ninputs:\n  - { id: a, url: "https://x/a.jpg", concepts: [${list(6)}] }\n  - { id: b, url: "https://x/b.jpg", concepts: [${list(30)}] }\n`,
    });
    const lines = problemLines(await loadManifest("m.yaml", { cwd: dir }));
    expect(lines.map((line) => line.replace(/^m\.yaml:\d+:\d+: /, ""))).toEqual([
      'inputs[0].concepts[4]: concept "c2" is listed twice (first as concepts[2])',
      'inputs[0].concepts[5]: concept "c2" is listed twice (first as concepts[2])',
      'inputs[1].concepts[4]: concept "c2" is listed twice (first as concepts[2])',
      'inputs[1].concepts[29]: concept "c2" is listed twice (first as concepts[2])',
    ]);
  });

  it("reports every one of them, in file order, each once", async () => {
    const path = `${DIR}/many-errors.yaml`;
    const lines = problemLines(await loadManifest(path)).map((line) => line.slice(path.length + 1));
    expect(lines).toEqual([
      "1:10: version: must be 1, got 2",
      '2:7: name: must be lowercase letters, digits, "_" or "-", start with a letter or digit, and be at most 63 characters, got "Bad Name"',
      '3:1: unknown field "nmae" (expected one of: version, name, app, defaults, include, inputs, sources)',
      '5:17: defaults.concepts[1]: concept "a" is listed twice (first as concepts[0])',
      `6:15: defaults.metadata._dataset: "_dataset" is reserved for dataset's ownership marker; use another key`,
      '9:5: inputs[0]: unknown field "urll" (expected one of: id, url, file, concepts, metadata, allow_duplicate_url)',
      `10:9: inputs[1].id: ${ID_RULE}, got "bad id!"`,
      '11:10: inputs[1].url: must be an http:// or https:// URL, got "ftp://example.com/2.jpg"',
      '12:5: inputs[2]: must have exactly one of "url" or "file", not both',
      "14:11: inputs[2].file: file not found: test/fixtures/manifests/three.jpg",
      `15:9: inputs[3].id: duplicate input id "dup" (also declared at ${path}:12:9)`,
      "19:27: inputs[3].concepts[1].value: must be 0 or 1",
      "20:9: inputs[3].concepts[2]: must be a concept id or a mapping {id, value}, got 5",
      '21:9: inputs[3].concepts[3]: concept "cat" is listed twice (first as concepts[0])',
      `22:15: inputs[3].concepts[4].id: ${ID_RULE}, got "no way"`,
      '23:18: inputs[3].concepts[5]: unknown field "valu" (expected one of: id, value)',
      "24:15: inputs[3].metadata: must be a mapping, got a list",
      `26:10: inputs[4].url: URL also used by input "shared-2" at ${path}:29:10; set allow_duplicate_url: true on every input that shares it`,
      "27:24: inputs[4].metadata.score: must be a finite number (JSON has no Infinity)",
      "27:65: inputs[4].metadata.nested.bad[1]: must be a finite number (JSON has no NaN)",
      `29:10: inputs[5].url: URL also used by input "shared-1" at ${path}:26:10; set allow_duplicate_url: true on every input that shares it`,
      '30:5: inputs[6]: must be a mapping, got "just a string"',
      '31:5: inputs[7]: must have exactly one of "url" or "file"',
      "33:5: inputs[8].url: must be a string, got an empty value",
      "35:10: inputs[9].url: must not start or end with whitespace",
      "37:10: inputs[10].url: is not a valid URL",
      "39:11: inputs[11].file: file not found: test/fixtures/manifests/nowhere/none.png",
    ]);
  });
});
