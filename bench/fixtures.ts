/**
 * Benchmark fixtures: sharded manifests and pre-seeded emulator stores built from the same
 * generated inputs (`generateInputs` of ./gen-manifest.ts), so that "in sync" means exactly what
 * the planner will decide. Stores are filled through `seedStore`, never through our own client,
 * so seeding does not depend on what is measured.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiInput, JsonObject } from "../src/api/types.js";
import { seedStore } from "../src/emulator/index.js";
import type { DesiredInput } from "../src/manifest/types.js";
import { sortKeysDeep } from "../src/util/canonical-json.js";
import { type GeneratedInput, inputYaml } from "./gen-manifest.js";

/** The app every benchmark store and client uses. */
export const BENCH_USER = "bench";
/** The manifest `name:` every benchmark manifest carries (and the ownership marker says). */
export const BENCH_MANIFEST_NAME = "bench-catalog";
/** The seed of every generated input list. */
export const BENCH_SEED = 7;
/**
 * Inputs per manifest file. The loader refuses files over 64 MB; a million inputs (~230 MB of
 * YAML) are split into included parts, as a user with an app that size would.
 */
export const PART_SIZE = 100_000;

/** A manifest written to disk: the root file and the parts it includes. */
export interface ManifestFiles {
  /** Absolute path of the root manifest. */
  root: string;
  /** Absolute paths of every file (root first), for the baseline parser. */
  files: string[];
  inputs: number;
  bytes: number;
}

/** What a 1%-changed manifest differs in, for checking the tool's plan. */
export interface ChangeCounts {
  update: number;
  replace: number;
}

/**
 * Writes `inputs` as a root manifest that includes `parts/*.yaml` (at most {@link PART_SIZE}
 * inputs each). Block style for inputs, flow style for concepts and nested metadata, as
 * gen-manifest.ts writes them.
 */
export async function writeShardedManifest(
  dir: string,
  inputs: readonly GeneratedInput[],
): Promise<ManifestFiles> {
  await mkdir(join(dir, "parts"), { recursive: true });
  const root = join(dir, "dataset.yaml");
  const rootText = [
    `# ${inputs.length} generated inputs (bench/fixtures.ts)`,
    "version: 1",
    `name: ${BENCH_MANIFEST_NAME}`,
    "include:",
    "  - parts/*.yaml",
    "",
  ].join("\n");
  await writeFile(root, rootText);
  const files = [root];
  let bytes = Buffer.byteLength(rootText);
  for (let start = 0, part = 0; start < inputs.length; start += PART_SIZE, part++) {
    const lines = ["inputs:"];
    for (const input of inputs.slice(start, start + PART_SIZE)) lines.push(inputYaml(input));
    const text = `${lines.join("\n")}\n`;
    const path = join(dir, "parts", `part-${String(part).padStart(3, "0")}.yaml`);
    await writeFile(path, text);
    files.push(path);
    bytes += Buffer.byteLength(text);
  }
  return { root, files, inputs: inputs.length, bytes };
}

/**
 * The input as `dataset apply` writes it: the same image, concepts sorted by id and metadata with
 * its keys sorted (apply posts what the desired index rebuilds, see `DesiredIndex.inputAt`), the
 * ownership marker last. A store seeded with these is in sync with the manifest.
 */
export function toLiveInput(input: GeneratedInput): ApiInput {
  const concepts = input.concepts.map((c) => ({ id: c.id, value: c.value }));
  concepts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    id: input.id,
    data: {
      image: { url: input.url },
      concepts,
      metadata: {
        ...(sortKeysDeep(input.metadata) as JsonObject),
        _dataset: { manifest: BENCH_MANIFEST_NAME },
      },
    },
  };
}

/** The manifest loader's view of a generated input, for building plans without YAML. */
export function toDesiredInput(input: GeneratedInput): DesiredInput {
  return {
    id: input.id,
    image: { kind: "url", url: input.url },
    concepts: input.concepts.map((c) => ({ id: c.id, value: c.value })),
    metadata: input.metadata,
    allowDuplicateUrl: false,
    source: { file: "bench", line: 0, column: 0 },
  };
}

/** Bulk-inserts the live form of `inputs` into `app` of the store at `db` (indexed). */
export function seedInSync(db: string, appId: string, inputs: readonly GeneratedInput[]): number {
  return seedStore(db, { userId: BENCH_USER, appId }, lazyMap(inputs, toLiveInput));
}

function* lazyMap<T, R>(items: readonly T[], fn: (item: T) => R): Iterable<R> {
  for (const item of items) yield fn(item);
}

/**
 * A copy of `inputs` where one in a hundred differs from the store, in three ways in turn: a
 * concept flipped or added, a metadata value changed (both updates), or a new URL (a replace).
 */
export function changeOnePercent(inputs: readonly GeneratedInput[]): {
  inputs: GeneratedInput[];
  expected: ChangeCounts;
} {
  const expected: ChangeCounts = { update: 0, replace: 0 };
  const out = inputs.map((input, i) => {
    if (i % 100 !== 50) return input;
    const kind = Math.floor(i / 100) % 3;
    if (kind === 0) {
      expected.update++;
      const [first, ...rest] = input.concepts;
      const concepts =
        first === undefined
          ? [{ id: "sale", value: 1 as const }]
          : [{ id: first.id, value: first.value === 1 ? (0 as const) : (1 as const) }, ...rest];
      return { ...input, concepts };
    }
    if (kind === 1) {
      expected.update++;
      // `price` in catalog inputs, `score` in labelled ones.
      const key = "price" in input.metadata ? "price" : "score";
      const metadata: JsonObject = { ...input.metadata, [key]: 1 + Number(input.metadata[key]) };
      return { ...input, metadata };
    }
    expected.replace++;
    return { ...input, url: input.url.replace(/\.jpg$/, "-v2.jpg") };
  });
  return { inputs: out, expected };
}

/** The CLI's target flags for app `appId` of the bench user on an emulator at `apiBase`. */
export function benchTargetArgs(apiBase: string, appId: string): string[] {
  return ["--api-base", apiBase, "--pat", "bench", "--user-id", BENCH_USER, "--app-id", appId];
}
