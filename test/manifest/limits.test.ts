import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

/** The classic: nine levels of nine aliases each, 9^9 strings once expanded. */
function billionLaughs(): string {
  const lines = [
    "version: 1",
    "name: lol",
    'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let level = 1; level <= 9; level++) {
    lines.push(
      `a${level}: &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(",")}]`,
    );
  }
  return `${lines.join("\n")}\ninputs: []\n`;
}

describe("resource limits", () => {
  it("rejects a billion-laughs document quickly, with one clear line", async () => {
    const dir = await tree({ "dataset.yaml": billionLaughs() });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml:4:10: YAML aliases expand this document by more than 1000000 values; refusing to process it",
    ]);
  });

  it("rejects more aliases than maxAliasCount", async () => {
    const inputs = Array.from(
      { length: 4 },
      (_, i) => `  - { id: i${i}, url: "https://x.example/${i}", metadata: *m }`,
    );
    const dir = await tree({
      "dataset.yaml": `version: 1\nname: aliases\nx-meta: &m { a: 1 }\ninputs:\n${inputs.join("\n")}\n`,
    });
    expect(
      problemLines(await loadManifest("dataset.yaml", { cwd: dir, maxAliasCount: 3 })),
    ).toEqual(["dataset.yaml:8:53: more than 3 YAML aliases; refusing to expand them"]);
  });

  it("accepts moderate alias use", async () => {
    const dir = await tree({
      "dataset.yaml": [
        "version: 1",
        "name: aliases",
        "inputs:",
        "  - { id: a, url: https://img.example.com/a.jpg, metadata: &m { shared: true } }",
        "  - { id: b, url: https://img.example.com/b.jpg, metadata: *m }",
        "",
      ].join("\n"),
    });
    expect((await loadManifest("dataset.yaml", { cwd: dir })).ok).toBe(true);
  });

  it("rejects a manifest or an included file over the size cap before reading it", async () => {
    const big = `# ${"x".repeat(2000)}\nversion: 1\nname: big\ninputs: []\n`;
    const dir = await tree({
      "dataset.yaml": big,
      "root.yaml": "version: 1\nname: root\ninclude: [big-include.yaml]\n",
      "big-include.yaml": `# ${"x".repeat(2000)}\ninputs: []\n`,
    });
    expect(
      problemLines(await loadManifest("dataset.yaml", { cwd: dir, maxManifestBytes: 1000 })),
    ).toEqual(["dataset.yaml: file is 2 kB; manifest files are limited to 1 kB"]);
    expect(
      problemLines(await loadManifest("root.yaml", { cwd: dir, maxManifestBytes: 1000 })),
    ).toEqual(["big-include.yaml: file is 2 kB; manifest files are limited to 1 kB"]);
  });

  it("rejects bytes that are not UTF-8", async () => {
    const dir = await tree({ "dataset.yaml": Buffer.from([0x76, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "dataset.yaml: not valid UTF-8 text",
    ]);
  });

  it("says when the manifest is not there", async () => {
    const dir = await tree({});
    const result = await loadManifest("nope.yaml", { cwd: dir });
    expect(result).toEqual({
      ok: false,
      notFound: true,
      problems: [
        { file: "nope.yaml", line: 0, column: 0, path: "", message: "manifest not found" },
      ],
    });
  });
});
