/**
 * Deterministic synthetic manifests for benchmarks and large tests: N catalogue-like inputs
 * (ids `img-000123`, URLs on img.example.com, 0–5 concepts, small nested metadata) from a seed.
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

export interface GenerateManifestOptions {
  /** Number of inputs. */
  n: number;
  /** The manifest's `name:`. */
  name: string;
  seed: number;
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

/** The inputs a manifest of `n` inputs generated from `seed` declares. */
export function generateInputs(n: number, seed: number): GeneratedInput[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
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

/** Writes the manifest of `generateInputs(n, seed)` and returns its path. */
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
  for (const input of generateInputs(options.n, options.seed)) lines.push(inputYaml(input));
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
