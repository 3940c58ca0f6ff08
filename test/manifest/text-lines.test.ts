import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fileLineBatches, lineBatches } from "../../src/manifest/sources/text-lines.js";
import { useTempDirs } from "./helpers.js";

const { tree } = useTempDirs();

async function linesOf(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks))) out.push(...batch);
  return out;
}

/** What readline (the reference: JSONL line numbers were its) makes of the same text. */
async function readlineLines(text: string): Promise<string[]> {
  const out: string[] = [];
  const lines = createInterface({ input: Readable.from([text]), crlfDelay: Infinity });
  for await (const line of lines) out.push(line);
  return out;
}

describe("lineBatches", () => {
  const texts = [
    "a\nb\nc\n",
    "a\nb\nc",
    "",
    "\n",
    "\n\n",
    "a\r\nb\r\n",
    "a\rb\rc",
    "a\r",
    "a\r\r\nb",
    "é😀\n{}\r\n\r\nlast",
  ];

  it("splits as readline does, at \\n, \\r\\n and a lone \\r, however the text is cut", async () => {
    for (const text of texts) {
      const expected = await readlineLines(text);
      expect(await linesOf([text])).toEqual(expected);
      // Every cut into two chunks, including between a \r and its \n.
      for (let cut = 0; cut <= text.length; cut++) {
        expect(await linesOf([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
      }
      // One character at a time.
      expect(await linesOf([...text])).toEqual(expected);
    }
  });

  it("reads a file in batches, multi-byte characters across read boundaries included", async () => {
    const lines = Array.from(
      { length: 60_000 },
      (_, i) => `{"i":${i},"t":"${"é€😀".repeat(i % 7)}"}`,
    );
    const dir = await tree({ "big.jsonl": `${lines.join("\n")}\n` });
    const batches: string[][] = [];
    for await (const batch of fileLineBatches(join(dir, "big.jsonl"))) batches.push(batch);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(lines);
  });
});
