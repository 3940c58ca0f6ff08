/**
 * Deterministic synthetic manifests for benchmarks and large tests: N inputs (ids `img-000123`,
 * URLs on img.example.com) from a seed, in one of two shapes:
 *
 * - `catalog` (the default): 0–5 concepts, flat metadata with one small nested object and, for
 *   some inputs, a list;
 * - `labelled` (issue 16's "realistic" inputs, used by the plan suite): every input has 2–3
 *   concepts, at least one of them with value 0, and nested metadata with a list
 *   (`{split, source: {vendor, batch}, tags: [...], score}`).
 *
 * `generateInputs` returns the same inputs as data, so that a benchmark can seed an emulator
 * with exactly what the manifest declares (or a variation of it).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonObject } from "../src/api/types.js";

/** One generated input, shaped like the API's: easy to turn into `{id, data: {image, concepts, metadata}}`. */
export interface GeneratedInput {
  id: string;
  url: string;
  concepts: { id: string; value: 0 | 1 }[];
  metadata: JsonObject;
}

/** Which kind of inputs to generate; see the top of this file. */
export type InputShape = "catalog" | "labelled";

export interface GenerateManifestOptions {
  /** Number of inputs. */
  n: number;
  /** The manifest's `name:`. */
  name: string;
  seed: number;
  /** Default `catalog`. */
  shape?: InputShape;
  /** Where to write `<name>.yaml`; default: a directory under the OS temp dir. */
  dir?: string;
}

const CONCEPTS = [
  "shoe",
  "boot",
  "sandal",
  "sneaker",
  "bag",
  "backpack",
  "wallet",
  "belt",
  "hat",
  "scarf",
  "shirt",
  "dress",
  "jacket",
  "coat",
  "jeans",
  "skirt",
  "watch",
  "ring",
  "necklace",
  "sunglasses",
  "red",
  "blue",
  "green",
  "black",
  "white",
  "brown",
  "leather",
  "cotton",
  "wool",
  "denim",
  "summer",
  "winter",
  "sale",
  "new",
  "kids",
  "women",
  "men",
  "outdoor",
  "formal",
  "casual",
];
const SPLITS = ["train", "train", "train", "validation", "test"];
const CATEGORIES = ["footwear", "accessories", "apparel", "jewelry"];
const VENDORS = ["acme-labelling", "northwind", "in-house", "crowd-b"];
const TAGS = ["reviewed", "blurry", "occluded", "studio", "outdoor", "night", "duplicate-check"];

/** The inputs a manifest of `n` inputs generated from `seed` declares, in `shape` (default catalog). */
export function generateInputs(
  n: number,
  seed: number,
  options: { shape?: InputShape } = {},
): GeneratedInput[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  if (options.shape === "labelled") return labelledInputs(n, random, pick);
  const inputs: GeneratedInput[] = [];
  for (let i = 0; i < n; i++) {
    const number = String(i).padStart(6, "0");
    const conceptCount = Math.floor(random() * 6);
    const concepts: GeneratedInput["concepts"] = [];
    const used = new Set<string>();
    while (concepts.length < conceptCount) {
      const id = pick(CONCEPTS);
      if (used.has(id)) continue;
      used.add(id);
      concepts.push({ id, value: random() < 0.85 ? 1 : 0 });
    }
    const metadata: JsonObject = {
      sku: `SKU-${number}`,
      split: pick(SPLITS),
      category: pick(CATEGORIES),
      price: Math.round(random() * 50_000) / 100,
      dims: {
        width: 320 + Math.floor(random() * 8) * 80,
        height: 240 + Math.floor(random() * 8) * 60,
      },
    };
    if (random() < 0.3) metadata.tags = [pick(CONCEPTS), pick(SPLITS)];
    inputs.push({
      id: `img-${number}`,
      url: `https://img.example.com/catalog/${number}.jpg`,
      concepts,
      metadata,
    });
  }
  return inputs;
}

/**
 * Issue 16's realistic inputs: 2–3 distinct concepts, the last one always value 0 (an explicit
 * "not this"), the others mostly 1; metadata `{split, source: {vendor, batch}, tags, score}`
 * with 1–3 distinct tags.
 */
function labelledInputs(
  n: number,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): GeneratedInput[] {
  const inputs: GeneratedInput[] = [];
  for (let i = 0; i < n; i++) {
    const number = String(i).padStart(6, "0");
    const conceptCount = 2 + Math.floor(random() * 2);
    const concepts: GeneratedInput["concepts"] = [];
    const used = new Set<string>();
    while (concepts.length < conceptCount) {
      const id = pick(CONCEPTS);
      if (used.has(id)) continue;
      used.add(id);
      const last = concepts.length === conceptCount - 1;
      concepts.push({ id, value: !last && random() < 0.9 ? 1 : 0 });
    }
    const tags: string[] = [];
    const tagCount = 1 + Math.floor(random() * 3);
    while (tags.length < tagCount) {
      const tag = pick(TAGS);
      if (!tags.includes(tag)) tags.push(tag);
    }
    const metadata: JsonObject = {
      split: pick(SPLITS),
      source: { vendor: pick(VENDORS), batch: 1 + Math.floor(random() * 400) },
      tags,
      score: Math.round(random() * 1000) / 1000,
    };
    inputs.push({
      id: `img-${number}`,
      url: `https://img.example.com/labelled/${number}.jpg`,
      concepts,
      metadata,
    });
  }
  return inputs;
}

/** Writes the manifest of `generateInputs(n, seed, {shape})` and returns its path. */
export async function generateManifest(options: GenerateManifestOptions): Promise<string> {
  const dir = options.dir ?? join(tmpdir(), "dataset-bench");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${options.name}.yaml`);
  const lines = [
    `# ${options.n} generated inputs, seed ${options.seed} (bench/gen-manifest.ts)`,
    "version: 1",
    `name: ${options.name}`,
    "inputs:",
  ];
  const inputs = generateInputs(options.n, options.seed, { shape: options.shape });
  for (const input of inputs) lines.push(inputYaml(input));
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}

/** Block style for the input, flow style for concepts and nested metadata, as people write it. */
export function inputYaml(input: GeneratedInput): string {
  const out = [`  - id: ${input.id}`, `    url: ${input.url}`];
  if (input.concepts.length > 0) {
    const concepts = input.concepts.map((c) =>
      c.value === 1 ? c.id : `{ id: ${c.id}, value: 0 }`,
    );
    out.push(`    concepts: [${concepts.join(", ")}]`);
  }
  out.push("    metadata:");
  // JSON is valid YAML flow syntax, and quoting keeps every value's type exact.
  for (const [key, value] of Object.entries(input.metadata))
    out.push(`      ${key}: ${JSON.stringify(value)}`);
  return out.join("\n");
}

/** A small, fast, seedable PRNG (public domain). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
