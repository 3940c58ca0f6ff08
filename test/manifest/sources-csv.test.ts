import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { inputSummaries, manifestOf, PNG, problemLines, useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

const MANIFEST = (columns: string, extra = "") =>
  `version: 1\nname: rows\nsources:\n  - csv: labels.csv\n    columns: ${columns}\n${extra}`;

describe("csv sources", () => {
  it("declares one input per row: id, image, concepts from a list and from columns, typed metadata", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(
        "{ id: name, file: path, concepts: tags, concept_columns: [cat, dog], metadata: { size: number, ok: boolean, extra: json, note: string } }",
        "    concepts: [animal]\n    metadata: { source: csv }\n",
      ),
      // BOM, CRLF, a quoted field with a comma, a quote and a line break.
      "labels.csv": Buffer.from(
        '\uFEFFname,path,tags,cat,dog,size,ok,extra,note\r\nr1,img/a.png,"x; y",1,0,12.5,TRUE,"{""k"":[1]}","a, ""b""\nc"\r\nr2,img/b.png,,,,,,,\r\n',
        "utf8",
      ),
      "img/a.png": PNG,
      "img/b.png": Buffer.concat([PNG, Buffer.from("b")]),
    });
    const result = await loadManifest("dataset.yaml", { cwd: dir });
    expect(inputSummaries(result)).toEqual([
      {
        id: "r1",
        concepts: [
          { id: "animal", value: 1 },
          { id: "cat", value: 1 },
          { id: "dog", value: 0 },
          { id: "x", value: 1 },
          { id: "y", value: 1 },
        ],
        metadata: { source: "csv", size: 12.5, ok: true, extra: { k: [1] }, note: 'a, "b"\nc' },
        origin: "labels.csv:2",
      },
      {
        id: "r2",
        concepts: [{ id: "animal", value: 1 }],
        metadata: { source: "csv" },
        origin: "labels.csv:4",
      },
    ]);
  });

  it("takes url columns and a list of string metadata columns", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(
        "{ id: id, url: link, concepts: c, concept_separator: '|', metadata: [n] }",
      ),
      "labels.csv": "id,link,c,n\na,https://img.example.com/a.jpg,p|q,007\n",
    });
    const [input] = manifestOf(await loadManifest("dataset.yaml", { cwd: dir })).inputs.toArray();
    expect(input).toMatchObject({
      id: "a",
      image: { kind: "url", url: "https://img.example.com/a.jpg" },
      concepts: [
        { id: "p", value: 1 },
        { id: "q", value: 1 },
      ],
      metadata: { n: "007" },
    });
  });

  it("reports each bad cell at its row's line and its column's name, all in one run", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(
        "{ id: id, url: url, concepts: tags, concept_columns: [cat], metadata: { n: number, b: boolean, j: json } }",
      ),
      "labels.csv": [
        "id,url,tags,cat,n,b,j",
        "ok,https://img.example.com/1.jpg,,,,,",
        "bad id,https://img.example.com/2.jpg,,,,,",
        "c,ftp://x,,,,,",
        "d,https://img.example.com/4.jpg,no way,,,,",
        "e,https://img.example.com/5.jpg,,yes,,,",
        "f,https://img.example.com/6.jpg,,,1x,,",
        "g,https://img.example.com/7.jpg,,,9007199254740993,,",
        "h,https://img.example.com/8.jpg,,,,maybe,",
        "i,https://img.example.com/9.jpg,,,,,{",
        "ok,https://img.example.com/10.jpg,,,,,",
        "k,https://img.example.com/11.jpg,cat,1,,,",
        "l,https://img.example.com/12.jpg,,,,,,extra",
        "",
      ].join("\n"),
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'labels.csv:3: id: must be 1 to 48 letters, digits, "_" or "-", got "bad id"',
      'labels.csv:4: url: must be an http:// or https:// URL, got "ftp://x"',
      'labels.csv:5: tags: must be 1 to 48 letters, digits, "_" or "-", got "no way"',
      'labels.csv:6: cat: must be 1, 0 or empty, got "yes"',
      'labels.csv:7: n: must be a number, got "1x"',
      "labels.csv:8: n: 9007199254740993 cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to 9007199254740992); declare the column as string to keep every digit",
      'labels.csv:9: b: must be true or false, got "maybe"',
      expect.stringMatching(/^labels\.csv:10: j: not valid JSON \(.+\)$/),
      'labels.csv:11: id: duplicate input id "ok" (also declared at labels.csv:2)',
      'labels.csv:12: cat: concept "cat" is listed twice (also in column "tags")',
      "labels.csv:13: not a valid CSV row: it has 8 fields, the header has 7",
    ]);
  });

  it("reports rows whose quotes are broken at the line they start on, and reads the rows around them", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST("{ id: id, url: url, metadata: [note] }"),
      "labels.csv": [
        "id,url,note",
        'a,https://img.example.com/a.jpg,"fine"',
        'b,https://img.example.com/b.jpg,"closed"early,',
        // A quote inside an unquoted cell is text; a quote left open runs to the end of the file.
        'c,https://img.example.com/c.jpg,say "hi"',
        'd,https://img.example.com/d.jpg,"open',
        "e,https://img.example.com/e.jpg,",
        "",
      ].join("\n"),
    });
    const problems = problemLines(await loadManifest("dataset.yaml", { cwd: dir }));
    expect(problems).toEqual([
      'labels.csv:3: not a valid CSV row: a quoted cell goes on after its closing quote (a quote inside a quoted cell is written "")',
      "labels.csv:5: not a valid CSV row: a quoted cell is never closed: the file ends inside it",
    ]);
    const withoutBroken = await tree({
      "dataset.yaml": MANIFEST("{ id: id, url: url, metadata: [note] }"),
      "labels.csv":
        'id,url,note\na,https://img.example.com/a.jpg,"fine"\nc,https://img.example.com/c.jpg,say "hi"\n',
    });
    expect(inputSummaries(await loadManifest("dataset.yaml", { cwd: withoutBroken }))).toEqual([
      expect.objectContaining({ id: "a", metadata: { note: "fine" }, origin: "labels.csv:2" }),
      expect.objectContaining({ id: "c", metadata: { note: 'say "hi"' }, origin: "labels.csv:3" }),
    ]);
  });

  it("stops reading a CSV at a row that runs on past the limit (a quote left open), at its line", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST("{ id: id, url: url, metadata: [note] }"),
      "labels.csv": `id,url,note\na,https://img.example.com/a.jpg,"open\n${"text, more text\n".repeat(300_000)}`,
    });
    const loaded = await loadManifest("dataset.yaml", { cwd: dir, maxCsvRecordChars: 2 ** 21 });
    expect(problemLines(loaded)).toEqual([
      "labels.csv:2: a row runs on for more than 2 MiB (is a quote left open?)",
    ]);
  });

  it.skipIf(process.platform !== "linux")(
    "reports a source file that fails while it is read at its entry, not as an internal error",
    async () => {
      const dir = await tree({
        "dataset.yaml": `${MANIFEST("{ id: id, url: url }")}  - jsonl: broken.jsonl\n`,
      });
      // A regular file by stat whose read fails (EIO) on Linux.
      await symlink("/proc/self/mem", join(dir, "labels.csv"));
      await symlink("/proc/self/mem", join(dir, "broken.jsonl"));
      expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
        "dataset.yaml:4:10: sources[0].csv: cannot read labels.csv (EIO)",
        "dataset.yaml:6:12: sources[1].jsonl: cannot read broken.jsonl (EIO)",
      ]);
    },
  );

  it("reports columns missing from the header, and concept columns that are not concept ids, at the manifest", async () => {
    const dir = await tree({
      "dataset.yaml": MANIFEST(
        "{ id: key, url: url, concept_columns: [has space], metadata: { nope: string } }",
      ),
      "labels.csv": "id,url,has space\n",
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      'dataset.yaml:5:20: sources[0].columns.id: column "key" is not in labels.csv\'s header ("id", "url", "has space")',
      'dataset.yaml:5:53: sources[0].columns.concept_columns[0]: column "has space" names a concept, and concept ids are 1 to 48 letters, digits, "_" or "-"',
      'dataset.yaml:5:77: sources[0].columns.metadata.nope: column "nope" is not in labels.csv\'s header ("id", "url", "has space")',
    ]);
  });

  it("reports an empty file and a missing image file at the row", async () => {
    const dir = await tree({
      "dataset.yaml": `${MANIFEST("{ id: id, file: f }")}  - csv: empty.csv\n    columns: { id: id, url: u }\n`,
      "labels.csv": "id,f\na,gone.png\n",
      "empty.csv": "",
    });
    expect(problemLines(await loadManifest("dataset.yaml", { cwd: dir }))).toEqual([
      "labels.csv:2: f: file not found: gone.png",
      "empty.csv: has no header row (it is empty)",
    ]);
  });
});
