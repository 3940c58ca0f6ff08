import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { manifestOf } from "./helpers.js";

describe("examples/dataset.yaml", () => {
  it("loads into the documented samples", async () => {
    const manifest = manifestOf(await loadManifest("examples/dataset.yaml"));
    expect(manifest.name).toBe("clarifai-samples");
    expect(manifest.files).toEqual([
      "examples/dataset.yaml",
      "examples/inputs/dogs.yaml",
      "examples/inputs/wedding.yaml",
    ]);
    expect(manifest.sha256).toBe(
      createHash("sha256").update(readFileSync("examples/dataset.yaml")).digest("hex"),
    );
    expect(manifest.inputs.toArray().map((input) => input.id)).toEqual([
      "metro-north",
      "puppy",
      "puppy-copy",
      "local-sunset",
      "dog2",
      "wedding",
    ]);
    const puppy = manifest.inputs.toArray()[1];
    expect(puppy).toEqual({
      id: "puppy",
      image: { kind: "url", url: "https://samples.clarifai.com/puppy.jpeg" },
      concepts: [
        { id: "cat", value: 0 },
        { id: "charlie", value: 1 },
      ],
      metadata: { source: "clarifai-docs", id: "id001", type: "animal", size: 100 },
      allowDuplicateUrl: true,
      source: { file: "examples/dataset.yaml", line: 24, column: 5 },
    });
  });

  it("has a real, small PNG as its file input, hashed", async () => {
    const manifest = manifestOf(await loadManifest("examples/dataset.yaml"));
    const image = manifest.inputs.toArray().find((input) => input.id === "local-sunset")?.image;
    const bytes = readFileSync("examples/images/sunset.png");
    expect(bytes.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(bytes.length).toBeLessThan(1000);
    expect(image).toEqual({
      kind: "file",
      absPath: resolve("examples/images/sunset.png"),
      path: "images/sunset.png",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
    });
  });
});
