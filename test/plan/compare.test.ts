import { describe, expect, it } from "vitest";
import type { ApiInput } from "../../src/api/types.js";
import {
  compareInput,
  declaredFromPlanned,
  hostedOriginalUrl,
  isByteUpload,
  liveMatchesPlanned,
  sameImage,
} from "../../src/plan/compare.js";
import { imageChangeLine, liveImageLabel } from "../../src/plan/describe.js";
import { diffInputs } from "../../src/plan/diff.js";
import { normaliseLiveInput, toPlannedInput } from "../../src/plan/planned-input.js";
import { renderPlanMarkdown } from "../../src/plan/render-markdown.js";
import { renderPlanText } from "../../src/plan/render-text.js";
import {
  fileInput,
  liveInput,
  MANIFEST_DIR,
  NAME,
  planFrom,
  SHA_A,
  SHA_B,
  urlInput,
} from "./helpers.js";

const PREFIX = "https://data.clarifai.com";
const SUFFIX = "users/u/apps/a/inputs/image/140c856dc82565d2c4d6ea720fceff78";
const HOSTED_URL = `${PREFIX}/orig/${SUFFIX}`;

/**
 * A byte upload as the real API is assumed to return it (datasets reference §9(a)): a hosted
 * `url` equal to prefix/orig/suffix, and `hosted`; the marker `dataset` wrote carries the sha256.
 */
function hostedUpload(
  id: string,
  marker: Record<string, string> | null = { manifest: NAME, sha256: SHA_A },
): ApiInput {
  return {
    id,
    data: {
      image: {
        url: HOSTED_URL,
        hosted: {
          prefix: PREFIX,
          suffix: SUFFIX,
          sizes: ["orig", "tiny", "small", "large"],
          crossorigin: "use-credentials",
        },
        image_info: { width: 64, height: 64, format: "PNG", color_mode: "RGB" },
      },
      metadata: marker === null ? {} : { _dataset: marker },
    },
    created_at: "2025-03-04T10:15:22.894006Z",
    modified_at: "2025-03-04T10:15:24.101312Z",
    status: { code: 30000, description: "Download complete" },
  };
}

describe("the image identity", () => {
  it("knows a byte upload by its hosted URL, an empty URL or a sha256 in the marker", () => {
    expect(hostedOriginalUrl(hostedUpload("a").data?.image)).toBe(HOSTED_URL);
    expect(isByteUpload(hostedUpload("a", null))).toBe(true);
    expect(isByteUpload(liveInput("a", { url: null, marker: null }))).toBe(true);
    expect(isByteUpload(liveInput("a", { marker: { manifest: NAME, sha256: SHA_A } }))).toBe(true);
    // A URL input the API also hosts keeps its own URL, which is not the hosted one.
    expect(isByteUpload(liveInput("a"))).toBe(false);
  });

  it("matches a file by the marker's sha256, whatever URL the API echoes for its bytes", () => {
    expect(sameImage({ kind: "file", sha256: SHA_A }, hostedUpload("a"))).toBe(true);
    expect(sameImage({ kind: "file", sha256: SHA_B }, hostedUpload("a"))).toBe(false);
    expect(sameImage({ kind: "file", sha256: SHA_A }, hostedUpload("a", null))).toBe(false);
  });

  it("never reads a hosted URL as a declared url:, even when the manifest names it", () => {
    expect(sameImage({ kind: "url", url: HOSTED_URL }, hostedUpload("a"))).toBe(false);
    expect(sameImage({ kind: "url", url: HOSTED_URL }, hostedUpload("a", null))).toBe(false);
    expect(sameImage({ kind: "url", url: " https://img.example.com/a.jpg" }, liveInput("a"))).toBe(
      true,
    );
  });

  it("lets the differ converge on file inputs uploaded as bytes", () => {
    const result = diffInputs({
      manifestName: NAME,
      desired: [fileInput("a"), fileInput("b", { sha256: SHA_B })],
      live: [hostedUpload("a"), hostedUpload("b")],
      prune: false,
      manifestDir: MANIFEST_DIR,
    });
    expect(result.summary).toMatchObject({ unchanged: 1, replace: 1 });
    expect(result.changes).toMatchObject([{ action: "replace", id: "b", reason: "file" }]);
  });

  it("replaces a byte upload declared as a url: (the same URL text included)", () => {
    const result = diffInputs({
      manifestName: NAME,
      desired: [urlInput("a", { url: HOSTED_URL }), urlInput("b")],
      live: [hostedUpload("a", null), hostedUpload("b", { manifest: NAME, sha256: SHA_A })],
      prune: false,
    });
    expect(result.changes.map((c) => [c.action, c.id])).toEqual([
      ["replace", "a"],
      ["replace", "b"],
    ]);
  });
});

describe("compareInput", () => {
  it("compares concepts as sets with values, metadata as JSON without the marker, and the marker", () => {
    const live = liveInput("a", {
      concepts: [{ id: "dog" }, { id: "cat", value: 0 }],
      metadata: { b: { y: 2, x: 1.0 }, a: [1, 2] },
    });
    const declared = {
      image: { kind: "url" as const, url: "https://img.example.com/a.jpg" },
      concepts: [
        { id: "cat", value: 0 },
        { id: "dog", value: 1 },
      ],
      metadata: { a: [1, 2], b: { x: 1, y: 2 } },
      marker: { manifest: NAME },
    };
    expect(compareInput(live, declared)).toEqual({
      image: false,
      concepts: false,
      metadata: false,
      marker: false,
    });
    expect(
      compareInput(live, {
        ...declared,
        concepts: [
          { id: "cat", value: 1 },
          { id: "dog", value: 1 },
        ],
      }).concepts,
    ).toBe(true);
    expect(
      compareInput(live, { ...declared, metadata: { a: [2, 1], b: { x: 1, y: 2 } } }).metadata,
    ).toBe(true);
    expect(compareInput(live, { ...declared, marker: { manifest: "other" } })).toEqual({
      image: false,
      concepts: false,
      metadata: false,
      marker: true,
    });
  });

  it("is the applier's duplicate-id check: everything, marker included", () => {
    const planned = toPlannedInput(fileInput("a", { metadata: { k: 1 } }), { manifestName: NAME });
    const live = hostedUpload("a");
    live.data = { ...live.data, metadata: { k: 1, _dataset: { manifest: NAME, sha256: SHA_A } } };
    expect(declaredFromPlanned(planned).image).toEqual({ kind: "file", sha256: SHA_A });
    expect(liveMatchesPlanned(live, planned)).toBe(true);
    live.data = {
      ...live.data,
      metadata: { k: 1, _dataset: { manifest: "other", sha256: SHA_A } },
    };
    expect(liveMatchesPlanned(live, planned)).toBe(false);
    const url = toPlannedInput(urlInput("b"), { manifestName: NAME });
    expect(liveMatchesPlanned(liveInput("b"), url)).toBe(true);
    expect(liveMatchesPlanned(liveInput("b", { concepts: [{ id: "x" }] }), url)).toBe(false);
  });
});

describe("renderers and byte uploads", () => {
  it("never show a hosted URL as the image of a byte upload", async () => {
    expect(normaliseLiveInput(hostedUpload("a")).data?.image).toBeUndefined();
    expect(liveImageLabel(hostedUpload("a"))).toBe("uploaded file (sha256 aaaaaaaaaaaa…)");
    const planned = toPlannedInput(fileInput("a", { sha256: SHA_B }), {
      manifestName: NAME,
      manifestDir: MANIFEST_DIR,
    });
    expect(imageChangeLine(normaliseLiveInput(hostedUpload("a")), planned)).toBe(
      "file: images/a.jpg (sha256 aaaaaaaaaaaa… -> bbbbbbbbbbbb…)",
    );
    const plan = await planFrom({
      manifest: { path: "m.yaml", name: NAME, sha256: "" },
      target: { api_base: "https://api.clarifai.com", user_id: "u", app_id: "a" },
      prune: true,
      manifestDir: MANIFEST_DIR,
      desired: [fileInput("a", { sha256: SHA_B }), urlInput("b")],
      live: [hostedUpload("a"), hostedUpload("b", null), hostedUpload("c")],
    });
    const text = renderPlanText(plan, { color: false });
    const markdown = renderPlanMarkdown(plan);
    for (const out of [text, markdown, JSON.stringify(plan)])
      expect(out).not.toContain("data.clarifai.com");
    expect(text).toContain("image: uploaded file -> https://img.example.com/b.jpg");
  });
});

describe("a byte upload without a recorded sha256, declared as a file", () => {
  const declared = fileInput("swatch", { sha256: SHA_A });
  const unmarked = hostedUpload("swatch", null);

  it("asks for the bytes' hash, and only for such inputs", async () => {
    const asked: string[] = [];
    const hashOf = async (input: ApiInput) => {
      asked.push(input.id);
      return SHA_A;
    };
    const plan = await planFrom({
      manifest: { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) },
      target: { api_base: "https://api.clarifai.com", user_id: "u", app_id: "a" },
      prune: false,
      desired: [declared, fileInput("marked", { sha256: SHA_B }), urlInput("web")],
      live: [unmarked, hostedUpload("marked", { manifest: NAME, sha256: SHA_B })],
      hashLiveImage: hashOf,
    });
    expect(asked).toEqual(["swatch"]);
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([
      ["create", "web"],
      ["adopt", "swatch"],
    ]);
  });

  it("is replaced when its bytes hash to something else, or cannot be read", async () => {
    for (const hash of [SHA_B, undefined]) {
      const plan = await planFrom({
        manifest: { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) },
        target: { api_base: "https://api.clarifai.com", user_id: "u", app_id: "a" },
        prune: false,
        desired: [declared],
        live: [unmarked],
        hashLiveImage: async () => hash,
      });
      expect(plan.changes.map((c) => [c.action, c.id])).toEqual([["replace", "swatch"]]);
    }
  });

  it("never counts as the declared file without a verified hash", () => {
    expect(sameImage({ kind: "file", sha256: SHA_A }, unmarked)).toBe(false);
    expect(sameImage({ kind: "file", sha256: SHA_A }, unmarked, SHA_A)).toBe(true);
    // A recorded sha256 is the answer; a hash cannot override it.
    const marked = hostedUpload("swatch", { manifest: NAME, sha256: SHA_B });
    expect(sameImage({ kind: "file", sha256: SHA_A }, marked, SHA_A)).toBe(false);
  });
});
