import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { manifestOf, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

const MANIFEST =
  "version: 1\nname: rows\nsources:\n  - csv: labels.csv\n    columns: { id: id, url: url, metadata: [note] }\n";

/** A cell: text with commas, quotes and line breaks of every kind, quoted when it must be. */
const cell = fc
  .array(fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r\n", "\r"), { maxLength: 6 })
  .map((parts) => parts.join(""))
  .map((text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text));
const lineEnd = fc.constantFrom("\n", "\r\n");

/** Line breaks as an editor counts them: `\r\n`, `\r` and `\n` are one each. */
function breaksIn(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** A CSV file and the line each of its rows starts on, as written. */
const csvText = fc
  .tuple(
    lineEnd,
    fc.array(fc.tuple(cell, fc.array(lineEnd, { maxLength: 2 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([end, rows]) => {
    // One record delimiter per file (told from the file's start), blank lines between.
    let text = `id,url,note${end}`;
    let line = 2;
    const lines: number[] = [];
    rows.forEach(([note, blanks], index) => {
      lines.push(line);
      text += `r${index},https://img.example.com/${index}.jpg,${note}${end}`;
      text += blanks.map(() => end).join("");
      line += 1 + breaksIn(note) + blanks.length;
    });
    return { text, lines };
  });

describe("csv source lines", () => {
  it("gives each row the line it starts on as an editor counts lines, blank lines and line breaks in quoted cells included", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async ({ text, lines }) => {
        const dir = await tree({ "dataset.yaml": MANIFEST, "labels.csv": text });
        const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
        const origins = manifest.inputs.toArray().map((input) => input.origin);
        expect(origins).toEqual(lines.map((line) => `labels.csv:${line}`));
      }),
      { numRuns: 60 },
    );
  });

  it("counts lines across the file's chunks (records and line breaks cut at chunk ends)", async () => {
    // ~300 KB: read in several chunks, records spanning their ends.
    let text = "id,url,note\r\n";
    let line = 2;
    const lines: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const note = i % 3 === 0 ? `"line\r\nbreak ${i}\nand \r more"` : `note ${"x".repeat(i % 50)}`;
      const blank = i % 7 === 0 ? "\r\n" : "";
      text += `r${i},https://img.example.com/${i}.jpg,${note}\r\n${blank}`;
      lines.push(line);
      line += 1 + breaksIn(note) + (blank === "" ? 0 : 1);
    }
    const dir = await tree({ "dataset.yaml": MANIFEST, "labels.csv": text });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    const origins = manifest.inputs.toArray().map((input) => input.origin);
    expect(origins).toHaveLength(4000);
    expect(origins).toEqual(lines.map((at) => `labels.csv:${at}`));
  });
});
