import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { expect } from "vitest";
import { stringify } from "yaml";
import { type ApiClient, createClient } from "../../src/api/client.js";
import type { ApiInput } from "../../src/api/types.js";
import { applyPlan } from "../../src/apply/executor.js";
import type { ApplyEvent, ApplyReport } from "../../src/apply/types.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/manifest.js";
import { canonicalJson, userMetadata } from "../../src/plan/canonical.js";
import { planLiveApp } from "../../src/plan/live-plan.js";
import type { Plan } from "../../src/plan/types.js";

export interface ManifestInput {
  id: string;
  url?: string;
  file?: string;
  concepts?: (string | { id: string; value: 0 | 1 })[];
  metadata?: Record<string, unknown>;
  allow_duplicate_url?: boolean;
}

export async function tempDir(
  prefix = "dataset-test-",
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a manifest file and returns its path. */
export async function writeManifest(
  path: string,
  name: string,
  inputs: ManifestInput[],
): Promise<string> {
  await writeFile(path, stringify({ version: 1, name, inputs }));
  return path;
}

export async function mustLoad(path: string): Promise<Manifest> {
  const result = await loadManifest(path);
  if (!result.ok) throw new Error(`manifest did not load: ${JSON.stringify(result.problems)}`);
  return result.manifest;
}

/** A real client for the emulator, with quick retries so fault tests stay fast. */
export function clientFor(
  url: string,
  app: { userId: string; appId: string },
  maxRps?: number,
): ApiClient {
  return createClient({
    apiBase: url,
    pat: "test-token-123",
    userId: app.userId,
    appId: app.appId,
    maxRps,
    retry: { baseDelayMs: 20, maxDelayMs: 500, maxAttempts: 12 },
  });
}

/** Plans the manifest against the live app and applies it, as `dataset apply --yes` does. */
export async function planAndApply(options: {
  manifestPath: string;
  api: ApiClient;
  prune?: boolean;
  concurrency?: number;
  wait?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ApplyEvent) => void;
}): Promise<{ plan: Plan; report: ApplyReport; manifest: Manifest }> {
  const manifest = await mustLoad(options.manifestPath);
  const { plan } = await planLiveApp({
    manifest,
    desired: manifest.inputs,
    api: options.api,
    target: { api_base: "test", user_id: "u", app_id: "a" },
    prune: options.prune ?? false,
    manifestDir: dirname(resolve(options.manifestPath)),
  });
  const report = await applyPlan({
    plan,
    api: options.api,
    baseDir: join(options.manifestPath, ".."),
    readFile: (p) => readFile(p),
    concurrency: options.concurrency ?? 4,
    signal: options.signal,
    wait: { enabled: options.wait ?? true, timeoutMs: 60_000 },
    sleep: (ms, signal) => shortSleep(ms, signal),
    onEvent: options.onEvent,
  });
  return { plan, report, manifest };
}

/** Sleeps at most 100 ms: tests need not wait for production backoff pauses. */
function shortSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.min(ms, 100));
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function planOnly(manifestPath: string, api: ApiClient, prune = false): Promise<Plan> {
  const manifest = await mustLoad(manifestPath);
  return (
    await planLiveApp({
      manifest,
      desired: manifest.inputs,
      api,
      target: { api_base: "test", user_id: "u", app_id: "a" },
      prune,
      manifestDir: dirname(resolve(manifestPath)),
    })
  ).plan;
}

export async function liveInputs(api: ApiClient): Promise<ApiInput[]> {
  const all: ApiInput[] = [];
  for await (const page of api.streamInputs()) all.push(...page);
  return all;
}

/**
 * Asserts, input by input through the API, that the app holds exactly what the manifest declares:
 * same ids (none missing, none duplicated, no extra input owned by this manifest), image, concept
 * set and user metadata, and the ownership marker.
 */
export async function expectAppMatches(api: ApiClient, manifest: Manifest): Promise<void> {
  const live = await liveInputs(api);
  const ids = live.map((i) => i.id);
  expect(new Set(ids).size).toBe(ids.length);
  const byId = new Map(live.map((i) => [i.id, i]));
  for (const want of manifest.inputs.toArray()) {
    const got = byId.get(want.id);
    expect(got, `input ${want.id} is missing`).toBeDefined();
    if (got === undefined) continue;
    const marker = (got.data?.metadata as Record<string, unknown> | undefined)?._dataset as Record<
      string,
      unknown
    >;
    expect(marker?.manifest).toBe(manifest.name);
    if (want.image.kind === "url") expect(got.data?.image?.url).toBe(want.image.url);
    else expect(marker?.sha256).toBe(want.image.sha256);
    const concepts = (got.data?.concepts ?? []).map((c) => `${c.id}=${c.value ?? 1}`).sort();
    expect(concepts).toEqual(want.concepts.map((c) => `${c.id}=${c.value}`).sort());
    expect(canonicalJson(userMetadata(got.data?.metadata))).toBe(canonicalJson(want.metadata));
  }
  const declared = new Set(manifest.inputs.toArray().map((i) => i.id));
  const strays = live.filter((i) => {
    const marker = (i.data?.metadata as Record<string, unknown> | undefined)?._dataset as
      | { manifest?: string }
      | undefined;
    return marker?.manifest === manifest.name && !declared.has(i.id);
  });
  expect(strays.map((i) => i.id)).toEqual([]);
}

export function generatedInputs(
  n: number,
  options: { prefix?: string; urlOf?: (i: number) => string } = {},
): ManifestInput[] {
  const prefix = options.prefix ?? "img";
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(5, "0")}`,
    url: options.urlOf?.(i) ?? `https://img.example.com/${prefix}/${i}.jpg`,
    concepts: i % 3 === 0 ? ["shoe", { id: "boot", value: 0 as const }] : ["shoe"],
    metadata: { sku: String(i), tags: ["summer"], dims: { w: i % 7, h: 2 } },
  }));
}
