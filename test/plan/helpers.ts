import type { ApiInput, JsonObject } from "../../src/api/types.js";
import { DesiredIndex } from "../../src/manifest/desired-index.js";
import type { DesiredConcept, DesiredInput } from "../../src/manifest/types.js";
import { planLiveApp } from "../../src/plan/live-plan.js";
import type { PlanHeader } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";

export const NAME = "product-photos";
export const MANIFEST_DIR = "/repo/data";
export const SHA_A = "a".repeat(64);
export const SHA_B = "b".repeat(64);

/** A desired URL input; `concepts` accepts the manifest's shorthand (a bare id = value 1). */
export function urlInput(
  id: string,
  options: {
    url?: string;
    concepts?: (string | DesiredConcept)[];
    metadata?: JsonObject;
    dup?: boolean;
  } = {},
): DesiredInput {
  return {
    id,
    image: { kind: "url", url: options.url ?? `https://img.example.com/${id}.jpg` },
    concepts: (options.concepts ?? []).map((c) =>
      typeof c === "string" ? { id: c, value: 1 } : c,
    ),
    metadata: options.metadata ?? {},
    allowDuplicateUrl: options.dup ?? false,
    source: { file: "/repo/data/dataset.yaml", line: 1, column: 1 },
  };
}

export function fileInput(
  id: string,
  options: {
    path?: string;
    sha256?: string;
    concepts?: DesiredConcept[];
    metadata?: JsonObject;
  } = {},
): DesiredInput {
  const path = options.path ?? `images/${id}.jpg`;
  return {
    id,
    image: {
      kind: "file",
      absPath: `${MANIFEST_DIR}/${path}`,
      path,
      sha256: options.sha256 ?? SHA_A,
      size: 1234,
    },
    concepts: options.concepts ?? [],
    metadata: options.metadata ?? {},
    allowDuplicateUrl: false,
    source: { file: "/repo/data/dataset.yaml", line: 1, column: 1 },
  };
}

/**
 * A live input as the API returns it (hosted noise, concept names, status 30000) and, unless
 * `marker: null`, owned by `NAME`.
 */
export function liveInput(
  id: string,
  options: {
    url?: string | null;
    concepts?: { id: string; value?: number }[];
    metadata?: JsonObject;
    marker?: JsonObject | null;
    status?: number;
    modified?: string;
  } = {},
): ApiInput {
  const url = options.url === undefined ? `https://img.example.com/${id}.jpg` : options.url;
  const marker = options.marker === undefined ? { manifest: NAME } : options.marker;
  const metadata: JsonObject = { ...(options.metadata ?? {}) };
  if (marker !== null) metadata._dataset = marker;
  return {
    id,
    data: {
      image: {
        ...(url === null ? {} : { url }),
        hosted: { prefix: "https://data.clarifai.com", suffix: `x/${id}`, sizes: ["orig", "tiny"] },
        image_info: { width: 512, height: 384, format: "JPEG" },
      },
      concepts: (options.concepts ?? []).map((c) => ({ ...c, name: c.id, app_id: "app" })),
      metadata,
    },
    created_at: "2025-03-04T10:15:22.894006Z",
    modified_at: options.modified ?? "2025-03-04T10:15:24.101312Z",
    status: {
      code: options.status ?? 30000,
      description: options.status === 30002 ? "Download failed" : "Ok",
    },
  };
}

/**
 * Plans `desired` against a live app holding `live` (one page) through the planning entry point,
 * as the CLI does against the API.
 */
export async function planFrom(
  options: PlanHeader & {
    desired: DesiredInput[];
    live: ApiInput[];
    manifestDir?: string;
    hashLiveImage?: (input: ApiInput) => Promise<string | undefined>;
  },
): Promise<Plan> {
  const { plan } = await planLiveApp({
    manifest: options.manifest,
    desired: DesiredIndex.of(options.desired),
    api: appHolding(options.live),
    target: options.target,
    prune: options.prune,
    ...(options.manifestDir === undefined ? {} : { manifestDir: options.manifestDir }),
    ...(options.hashLiveImage === undefined ? {} : { hashLiveImage: options.hashLiveImage }),
  });
  return plan;
}

/** A stand-in for the API client's StreamInputs over a fixed listing, in pages of `perPage`. */
function appHolding(live: readonly ApiInput[], perPage = 1000) {
  return {
    async *streamInputs() {
      for (let i = 0; i < live.length; i += perPage) yield live.slice(i, i + perPage);
    },
  };
}
