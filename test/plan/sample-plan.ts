import type { Plan } from "../../src/plan/types.js";
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

/** A small plan with one change of every kind, plus unchanged, unmanaged and prunable inputs. */
export function samplePlan(options: { prune?: boolean } = {}): Promise<Plan> {
  return planFrom({
    manifest: { path: "examples/dataset.yaml", name: NAME, sha256: "f".repeat(64) },
    target: { api_base: "https://api.clarifai.com", user_id: "acme", app_id: "catalog" },
    prune: options.prune ?? true,
    manifestDir: MANIFEST_DIR,
    desired: [
      urlInput("train1", { concepts: ["train"], metadata: { split: "train" } }),
      fileInput("local-cat", { path: "images/cat.jpg", concepts: [{ id: "cat", value: 1 }] }),
      urlInput("puppy1", {
        concepts: ["charlie", { id: "cat", value: 0 }],
        metadata: { id: "id001", type: "animal", size: 200, nested: { a: [1, 2], b: true } },
      }),
      urlInput("moved", { url: "https://img.example.com/moved-new.jpg" }),
      fileInput("edited", { sha256: SHA_B }),
      urlInput("broken"),
      urlInput("adopted"),
      urlInput("same", { metadata: { k: 1 } }),
    ],
    live: [
      liveInput("puppy1", {
        concepts: [
          { id: "dog", value: 1 },
          { id: "cat", value: 1 },
          { id: "charlie", value: 1 },
        ],
        metadata: { type: "animal", id: "id001", size: 100.0, nested: { b: true, a: [1, 2] } },
      }),
      liveInput("moved"),
      liveInput("edited", { url: null, marker: { manifest: NAME, sha256: SHA_A } }),
      liveInput("broken", { status: 30002 }),
      liveInput("adopted", { marker: null }),
      liveInput("same", { metadata: { k: 1 } }),
      liveInput("old1"),
      liveInput("someone-else", { marker: { manifest: "other" } }),
    ],
  });
}
