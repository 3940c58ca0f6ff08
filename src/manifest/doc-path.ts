import { isRecord } from "../util/is-record.js";
/** A path into a YAML/JSON document: mapping keys and sequence indexes, e.g. `["inputs", 3, "id"]`. */
export type DocPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders a path the way users read it: `inputs[3].concepts[0].value`, `metadata["a b"]`. */
export function formatDocPath(path: DocPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Converts a JSON pointer (as ajv reports `instancePath`) into a path, using the data to tell
 * sequence indexes from mapping keys that happen to look like numbers.
 */
export function pointerToDocPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return path;
}
