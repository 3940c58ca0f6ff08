/**
 * The JSONL and CSV source files of the source benchmarks (bench/sources.ts, bench/load-source.ts):
 * each writes `inputs` to `file` and returns the manifest's `sources:` entry for it.
 */
import { writeFile } from "node:fs/promises";
import type { GeneratedInput } from "./gen-manifest.js";

export async function writeJsonl(file: string, inputs: readonly GeneratedInput[]): Promise<string> {
  const lines = inputs.map((input) => JSON.stringify(input));
  await writeFile(file, `${lines.join("\n")}\n`);
  return `  - jsonl: ${file.split("/").pop()}\n`;
}

/** CSV: one column per concept (1/0/empty) to keep explicit absences; metadata typed. */
export async function writeCsv(file: string, inputs: readonly GeneratedInput[]): Promise<string> {
  const concepts = [...new Set(inputs.flatMap((input) => input.concepts.map((c) => c.id)))].sort();
  const keys = ["sku", "split", "category", "price", "dims", "tags"];
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const lines = [["id", "url", ...concepts, ...keys].join(",")];
  for (const input of inputs) {
    const values = new Map(input.concepts.map((c) => [c.id, String(c.value)]));
    const meta = input.metadata as Record<string, unknown>;
    lines.push(
      [
        input.id,
        input.url,
        ...concepts.map((id) => values.get(id) ?? ""),
        ...keys.map((key) => {
          const value = meta[key];
          if (value === undefined) return "";
          return quote(typeof value === "string" ? value : JSON.stringify(value));
        }),
      ].join(","),
    );
  }
  await writeFile(file, `${lines.join("\n")}\n`);
  return [
    `  - csv: ${file.split("/").pop()}`,
    "    columns:",
    "      id: id",
    "      url: url",
    `      concept_columns: [${concepts.join(", ")}]`,
    "      metadata: { sku: string, split: string, category: string, price: number, dims: json, tags: json }",
    "",
  ].join("\n");
}
