/**
 * `jsonl:` — one input per line, exactly the fields of a YAML input, validated by the same
 * schema. Read line by line: the file is never held whole in memory.
 */
import { dirname } from "node:path";
import { isRecord } from "../../util/is-record.js";
import type { DocPath } from "../doc-path.js";
import { formatDocPath } from "../doc-path.js";
import type { RawInput } from "../raw.js";
import { isExactlyHeld } from "../rules.js";
import { validateInputValue } from "../schema.js";
import type { SourceItem, SourceReader, SourceReport } from "./source-reader.js";
import { fileLineBatches } from "./text-lines.js";

export function jsonlReader(
  absPath: string,
  options: { shown: string; report: SourceReport },
): SourceReader {
  const { shown, report } = options;
  return {
    baseDir: dirname(absPath),
    showPath: formatDocPath,
    async *items(): AsyncGenerator<SourceItem> {
      let line = 0;
      const at = (path: DocPath) => ({ file: shown, line, path: formatDocPath(path) });
      for await (const batch of fileLineBatches(absPath)) {
        for (const read of batch) {
          line++;
          const text = line === 1 ? read.replace(/^\uFEFF/, "") : read;
          if (text.trim() === "") continue;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (error) {
            report.at(at([]), `not valid JSON (${(error as Error).message})`);
            continue;
          }
          const issues = validateInputValue(value);
          if (issues.length > 0) {
            for (const issue of issues) report.at(at(issue.path), issue.message);
            continue;
          }
          const input = value as RawInput;
          // Most lines hold no integer beyond 2^53: only those need their literals read.
          if (hasHugeInteger(input.metadata)) {
            const rounded = roundedIntegers(input.metadata, text);
            for (const { path, written, value: parsed } of rounded) {
              report.at(
                at(["metadata", ...path]),
                `${written} cannot be held exactly by a JSON number (integers beyond 2^53 are rounded to ${parsed}); quote it to keep it as a string: "${written}"`,
              );
            }
            if (rounded.length > 0) continue;
          }
          yield {
            raw: input,
            origin: `${shown}:${line}`,
            file: shown,
            line,
            ownStrings: true,
            json: text,
          };
        }
      }
    },
  };
}

/** Whether `value` holds an integer JSON.parse may have rounded (without allocating). */
function hasHugeInteger(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) >= 2 ** 53;
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasHugeInteger(item)) return true;
    return false;
  }
  for (const key in value) {
    if (hasHugeInteger((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * Integers of `value` beyond 2^53 that the line writes with digits JSON.parse rounded. Rare:
 * the line's integer literals are read only when a parsed number may have been rounded.
 */
function roundedIntegers(
  value: unknown,
  text: string,
): { path: DocPath; written: string; value: number }[] {
  const found: { path: DocPath; written: string; value: number }[] = [];
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (typeof node === "number") {
      if (!Number.isInteger(node) || Math.abs(node) < 2 ** 53) return;
      const literals = text.match(/-?\d{16,}(?![\d.eE])/g) ?? [];
      const written = literals.find(
        (literal) => Number(literal) === node && !isExactlyHeld(literal, node),
      );
      if (written !== undefined) found.push({ path: [...path], written, value: node });
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, [...path, index]);
    } else if (isRecord(node)) {
      for (const [key, item] of Object.entries(node)) visit(item, [...path, key]);
    }
  };
  visit(value, []);
  return found;
}
