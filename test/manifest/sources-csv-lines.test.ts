import { parse } from "csv-parse/sync";
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
const csvText = fc
  .tuple(
    lineEnd,
    fc.array(fc.tuple(cell, fc.array(lineEnd, { maxLength: 2 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([end, rows]) => {
    // One record delimiter per file (csv-parse detects it from the first), blank lines between.
    let text = `id,url,note${end}`;
    rows.forEach(([note, blanks], index) => {
      text += `r${index},https://img.example.com/${index}.jpg,${note}${end}`;
      text += blanks.map(() => end).join("");
    });
    return text;
  });

/** Each record's first line as csv-parse's `raw` text tells it (the former way). */
function startLinesFromRaw(text: string): number[] {
  const records = parse(text, {
    bom: true,
    info: true,
    raw: true,
    skip_empty_lines: true,
  }) as unknown as {
    info: { lines: number };
    raw: string;
  }[];
  return records.slice(1).map(({ info, raw }) => {
    const body = raw.replace(/^[\r\n]+/, "").replace(/\r?\n$|\r$/, "");
    return info.lines - (body.match(/\r\n|\r|\n/g)?.length ?? 0);
  });
}

describe("csv source lines", () => {
  it("gives each row the line it starts on, counted from its fields as from its raw text", async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const dir = await tree({ "dataset.yaml": MANIFEST, "labels.csv": text });
        const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
        const origins = manifest.inputs.toArray().map((input) => input.origin);
        expect(origins).toEqual(startLinesFromRaw(text).map((line) => `labels.csv:${line}`));
      }),
      { numRuns: 60 },
    );
  });

  it("counts lines across the file's chunks (records and line breaks cut at chunk ends)", async () => {
    // ~300 KB: csv-parse reads it in several chunks, records spanning their ends.
    let text = "id,url,note\r\n";
    for (let i = 0; i < 4000; i++) {
      const note = i % 3 === 0 ? `"line\r\nbreak ${i}\nand \r more"` : `note ${"x".repeat(i % 50)}`;
      text += `r${i},https://img.example.com/${i}.jpg,${note}\r\n${i % 7 === 0 ? "\r\n" : ""}`;
    }
    const dir = await tree({ "dataset.yaml": MANIFEST, "labels.csv": text });
    const manifest = manifestOf(await loadManifest("dataset.yaml", { cwd: dir }));
    const origins = manifest.inputs.toArray().map((input) => input.origin);
    expect(origins).toHaveLength(4000);
    expect(origins).toEqual(startLinesFromRaw(text).map((line) => `labels.csv:${line}`));
  });
});
