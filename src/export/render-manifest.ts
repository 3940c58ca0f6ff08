/**
 * The text of an exported manifest (pure): the root document and its part files through the
 * `yaml` library's document API, and JSONL lines. Each input is rendered on its own, so writing a
 * part of 100,000 inputs never holds more than one input's YAML nodes.
 */
import { Document, isMap, isSeq, YAMLMap } from "yaml";
import { sortKeysDeep } from "../plan/canonical.js";
import type { ExportedInput } from "./exported-input.js";

const YAML_OPTIONS = { lineWidth: 0, flowCollectionPadding: true } as const;

/** What the header comment of an exported manifest says. */
export interface ExportHeader {
  /** e.g. `users/acme/apps/catalog at https://api.clarifai.com`. */
  app: string;
  /** ISO 8601 time of the export. */
  exportedAt: string;
  /** Inputs declared (in this file and its parts or JSONL file). */
  inputs: number;
  /** Lines said after the first (what was left out, how to re-run). */
  notes: readonly string[];
}

/** The root manifest's fields besides its inputs. */
export interface RootManifest {
  name: string;
  app: { user_id: string; app_id: string } | undefined;
  /** Part files (paths relative to the root), when the inputs are split. */
  include?: readonly string[];
  /** JSONL source files (relative to the root), for `--format jsonl`. */
  jsonlSources?: readonly string[];
}

/** One input as a YAML list item (`- id: …`), indented by `indent` spaces, ending in a newline. */
export function renderYamlItem(input: ExportedInput, indent = 2): string {
  const doc = new Document([canonicalEntry(input)]);
  const item = isSeq(doc.contents) ? doc.contents.items[0] : undefined;
  if (isMap(item)) {
    const concepts = item.get("concepts", true);
    if (isSeq(concepts)) concepts.flow = true;
  }
  const pad = " ".repeat(indent);
  return doc
    .toString(YAML_OPTIONS)
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => (line === "" ? line : pad + line))
    .join("\n")
    .concat("\n");
}

/** One input as a JSONL line (the JSONL source format), ending in a newline. */
export function renderJsonlLine(input: ExportedInput): string {
  return `${JSON.stringify(canonicalEntry(input))}\n`;
}

/** Metadata keys sorted at every depth, so re-exports diff cleanly whatever order the API used. */
function canonicalEntry(input: ExportedInput): ExportedInput {
  return input.metadata === undefined
    ? input
    : { ...input, metadata: sortKeysDeep(input.metadata) as ExportedInput["metadata"] };
}

function headerComment(header: ExportHeader): string {
  const n = header.inputs;
  return [
    ` Exported by \`dataset export\` from ${header.app} on ${header.exportedAt}: ${n} ${n === 1 ? "input" : "inputs"}.`,
    ...header.notes.map((note) => ` ${note}`),
  ].join("\n");
}

/**
 * The root manifest up to (not including) its inputs: header comment, `version`, `name`, `app`,
 * `include` or `sources`. With `inputsFollow`, it ends with `inputs:` and the caller appends the
 * items; otherwise with `inputs: []` or no `inputs` at all (JSONL).
 */
export function renderRootHead(
  root: RootManifest,
  header: ExportHeader,
  options: { inputsFollow: boolean },
): string {
  const doc = new Document(new YAMLMap());
  doc.commentBefore = headerComment(header);
  doc.set("version", 1);
  doc.set("name", root.name);
  if (root.app !== undefined) doc.set("app", doc.createNode(root.app));
  if (root.include !== undefined && root.include.length > 0) {
    doc.set("include", doc.createNode([...root.include]));
  }
  if (root.jsonlSources !== undefined) {
    doc.set("sources", doc.createNode(root.jsonlSources.map((jsonl) => ({ jsonl }))));
  } else if (!options.inputsFollow) {
    doc.set("inputs", doc.createNode([]));
  }
  const head = doc.toString(YAML_OPTIONS);
  return options.inputsFollow ? `${head}inputs:\n` : head;
}

/** The start of a part file: its header comment and `inputs:`; the caller appends the items. */
export function renderPartHead(header: ExportHeader, part: { index: number; of: number }): string {
  const first = headerComment(header).split("\n")[0] ?? "";
  return `#${first}\n# Part ${part.index} of ${part.of}, included by the root manifest.\n\ninputs:\n`;
}
