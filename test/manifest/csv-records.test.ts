import { describe, expect, it } from "vitest";
import type { CsvChunk } from "../../src/manifest/sources/csv-records.js";
import { CsvRunawayRecord, csvChunks } from "../../src/manifest/sources/csv-records.js";
import { useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

async function readAll(
  path: string,
  options?: { maxRecordChars?: number },
): Promise<{ records: string[][]; lines: number[]; stop?: CsvRunawayRecord }> {
  const records: string[][] = [];
  const lines: number[] = [];
  for await (const chunk of csvChunks(path, options)) {
    if (chunk instanceof CsvRunawayRecord) return { records, lines, stop: chunk };
    records.push(...(chunk as CsvChunk).records);
    lines.push(...chunk.lines);
  }
  return { records, lines };
}

describe("csv records", () => {
  it("reads a file larger than one chunk whole, in order, a BOM dropped and CR line ends kept apart", async () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `r${i},"cell\r${i}",${"x".repeat(i % 40)}`,
    );
    const dir = await tree({ "a.csv": `\uFEFFid,note,pad\r${rows.join("\r")}\r` });
    const { records, lines } = await readAll(`${dir}/a.csv`);
    expect(records).toHaveLength(20_001);
    expect(records[0]).toEqual(["id", "note", "pad"]);
    expect(records[12_345]).toEqual(["r12344", "cell\r12344", "x".repeat(12_344 % 40)]);
    // Each row spans two lines (a CR inside its quoted cell).
    expect(lines.slice(0, 3)).toEqual([1, 2, 4]);
    expect(lines.at(-1)).toEqual(2 + 2 * 19_999);
  });

  it("stops at a record that runs on past the limit, naming the line it starts on", async () => {
    const dir = await tree({
      "a.csv": `id,note\na,"fine"\nb,"open\n${"more text\n".repeat(40_000)}`,
    });
    const { records, stop } = await readAll(`${dir}/a.csv`, { maxRecordChars: 100_000 });
    expect(records).toEqual([
      ["id", "note"],
      ["a", "fine"],
    ]);
    expect(stop?.line).toBe(3);
    expect(stop?.limit).toBe(100_000);
  });
});
