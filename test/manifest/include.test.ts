import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { manifestOf, PNG, problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

const ROOT = (include: string[], inputs = "inputs: []") =>
  `version: 1\nname: inc\ninclude:\n${include.map((entry) => `  - ${JSON.stringify(entry)}\n`).join("")}${inputs}\n`;
const INPUTS = (...ids: string[]) =>
  `inputs:\n${ids.map((id) => `  - id: ${id}\n    url: https://img.example.com/${id}.jpg\n`).join("")}`;

describe("include", () => {
  it("expands globs relative to the including file, in sorted order, loading each file once", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["inputs/*.yaml", "inputs/a.yaml"], INPUTS("root1")),
      "inputs/b.yaml": INPUTS("b1", "b2"),
      "inputs/a.yaml": INPUTS("a1"),
      "inputs/c.yml": INPUTS("not-matched"),
      "inputs/B.yaml": INPUTS("upper"),
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    // Code-unit order: "B" < "a" < "b", on every machine and locale.
    expect(manifest.files).toEqual([
      "dataset.yaml",
      "inputs/B.yaml",
      "inputs/a.yaml",
      "inputs/b.yaml",
    ]);
    expect(manifest.inputs.toArray().map((input) => input.id)).toEqual([
      "root1",
      "upper",
      "a1",
      "b1",
      "b2",
    ]);
    expect(manifest.inputs.toArray()[2]?.source).toEqual({
      file: "inputs/a.yaml",
      line: 2,
      column: 5,
    });
  });

  it("follows nested includes, each relative to its own file, and resolves files there too", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["parts/level1.yaml"]),
      "parts/level1.yaml": `include: [deeper/level2.yaml]\n${INPUTS("one")}`,
      "parts/deeper/level2.yaml": "inputs:\n  - id: two\n    file: pic.png\n",
      "parts/deeper/pic.png": PNG,
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(manifest.files).toEqual([
      "dataset.yaml",
      "parts/level1.yaml",
      "parts/deeper/level2.yaml",
    ]);
    expect(manifest.inputs.toArray().map((input) => input.id)).toEqual(["one", "two"]);
    const image = manifest.inputs.toArray()[1]?.image;
    expect(image).toMatchObject({
      kind: "file",
      path: "pic.png",
      absPath: join(dir, "parts/deeper/pic.png"),
    });
  });

  it("loads a file reached twice (a diamond) once", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["left.yaml", "right.yaml"]),
      "left.yaml": "include: [shared.yaml]\ninputs: []\n",
      "right.yaml": "include: [shared.yaml]\ninputs: []\n",
      "shared.yaml": INPUTS("shared1"),
    });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(manifest.files).toEqual(["dataset.yaml", "left.yaml", "shared.yaml", "right.yaml"]);
    expect(manifest.inputs.toArray().map((input) => input.id)).toEqual(["shared1"]);
  });

  it("reports a cycle at the include that closes it, naming the whole chain", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["inputs/a.yaml"]),
      "inputs/a.yaml": `include: [b.yaml]\n${INPUTS("a1")}`,
      "inputs/b.yaml": `inputs: []\ninclude:\n  - ./a.yaml\n`,
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "inputs/b.yaml:3:5: include[0]: include cycle: dataset.yaml -> inputs/a.yaml -> inputs/b.yaml -> inputs/a.yaml",
    ]);
  });

  it("reports a manifest whose glob matches itself as a cycle", async () => {
    const dir = await tree({ "dataset.yaml": ROOT(["*.yaml"]), "more.yaml": INPUTS("m1") });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:4:5: include[0]: include cycle: dataset.yaml -> dataset.yaml",
    ]);
  });

  it("reports a missing file, a glob without matches and a directory, and keeps loading the rest", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["missing.yaml", "inputs/*.yml", "inputs", "inputs/ok.yaml"]),
      "inputs/ok.yaml": `inputs:\n  - id: ok\n    url: ftp://nope\n`,
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:4:5: include[0]: included file not found: missing.yaml",
      'dataset.yaml:5:5: include[1]: no files match "inputs/*.yml"',
      "dataset.yaml:6:5: include[2]: included path is not a file: inputs",
      'inputs/ok.yaml:3:10: inputs[0].url: must be an http:// or https:// URL, got "ftp://nope"',
    ]);
  });

  it("allows only include and inputs in an included file", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["extra.yaml"]),
      "extra.yaml": `version: 1\nname: other\ntags: []\n${INPUTS("x1")}`,
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'extra.yaml:1:1: "version" belongs in the root manifest; an included file holds only "include", "inputs" and "sources"',
      'extra.yaml:2:1: "name" belongs in the root manifest; an included file holds only "include", "inputs" and "sources"',
      'extra.yaml:3:1: unknown field "tags" (expected one of: include, inputs, sources)',
    ]);
  });

  it("checks ids across files, naming both places", async () => {
    const dir = await tree({
      "dataset.yaml": ROOT(["inputs/*.yaml"], INPUTS("same")),
      "inputs/one.yaml": `# a comment first\n${INPUTS("other", "same")}`,
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'inputs/one.yaml:5:9: inputs[1].id: duplicate input id "same" (also declared at dataset.yaml:6:9)',
    ]);
  });

  it("locates problems in files already processed when a later file reveals them", async () => {
    // Each file's parse is dropped once its inputs are resolved; the shared URL is only known
    // to be a problem at the end, in all three files.
    const url = (n: string) => `  - id: ${n}\n    url: https://img.example.com/shared.jpg\n`;
    const dir = await tree({
      "dataset.yaml": ROOT(["parts/*.yaml"], `inputs:\n${url("first")}`),
      "parts/a.yaml": `inputs:\n  - id: a0\n    url: https://img.example.com/a0.jpg\n${url("second")}`,
      "parts/b.yaml": `# b\ninputs:\n${url("third")}`,
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'dataset.yaml:7:10: inputs[0].url: URL also used by input "second" at parts/a.yaml:5:10; set allow_duplicate_url: true on every input that shares it',
      'parts/a.yaml:5:10: inputs[1].url: URL also used by input "first" at dataset.yaml:7:10; set allow_duplicate_url: true on every input that shares it',
      'parts/b.yaml:4:10: inputs[0].url: URL also used by input "first" at dataset.yaml:7:10; set allow_duplicate_url: true on every input that shares it',
    ]);
  });

  it("reports malformed defaults as problems, whatever the files after the root hold", async () => {
    const dir = await tree({
      "dataset.yaml": `version: 1\nname: inc\ndefaults:\n  concepts: cat\ninclude: [a.yaml]\n${INPUTS("r")}`,
      "a.yaml": INPUTS("a"),
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'dataset.yaml:4:13: defaults.concepts: must be a list, got "cat"',
    ]);
  });

  it("names a shared URL's other input by its id as written, even when the id is malformed", async () => {
    const dir = await tree({
      "dataset.yaml": `version: 1\nname: inc\ninclude: [a.yaml]\ninputs:\n  - id: 7\n    url: https://img.example.com/s.jpg\n`,
      "a.yaml": "inputs:\n  - id: a\n    url: https://img.example.com/s.jpg\n",
    });
    const lines = problemLines(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(lines).toContain(
      'a.yaml:3:10: inputs[0].url: URL also used by input "7" at dataset.yaml:6:10; set allow_duplicate_url: true on every input that shares it',
    );
  });

  it("names files relative to the working directory, and absolute when the manifest path is", async () => {
    const dir = await tree({
      "project/dataset.yaml": ROOT(["inputs/bad.yaml"]),
      "project/inputs/bad.yaml": "inputs:\n  - id: x\n",
    });
    const fromParent = await loadManifest("project/dataset.yaml", { cwd: dir });
    expect(problemLines(fromParent)).toEqual([
      'project/inputs/bad.yaml:2:5: inputs[0]: must have exactly one of "url" or "file"',
    ]);
    const absolute = join(dir, "project/dataset.yaml");
    const fromElsewhere = await loadManifest(absolute, { cwd: "/" });
    expect(problemLines(fromElsewhere)).toEqual([
      `${join(dir, "project/inputs/bad.yaml")}:2:5: inputs[0]: must have exactly one of "url" or "file"`,
    ]);
    const fromInside = await loadManifest("../dataset.yaml", { cwd: join(dir, "project/inputs") });
    expect(problemLines(fromInside)[0]).toMatch(/^bad\.yaml:2:5: /);
    expect(relative(dir, absolute)).toBe("project/dataset.yaml");
  });
});
