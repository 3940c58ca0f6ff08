/**
 * The differ while the manifest is still loading: live inputs that arrive before their declared
 * ids are held back and matched later. Whatever the interleaving, the result must be the one of
 * a diff against the complete index.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApiInput, JsonObject } from "../../src/api/types.js";
import { ChunkingSink, type DesiredChunk, DesiredIndex } from "../../src/manifest/desired-index.js";
import { MemoryKeyStore } from "../../src/manifest/key-store.js";
import type { DesiredInput } from "../../src/manifest/types.js";
import { createDiffer, type DiffResult, diffInputs } from "../../src/plan/diff.js";
import { fileInput, liveInput, NAME, SHA_A, SHA_B, urlInput } from "./helpers.js";

const IDS = ["a", "b", "c", "d", "e", "f", "g", "h"];
const conceptSets = [[], ["cat"], ["cat", "dog"], [{ id: "dog", value: 0 as const }]];
const metadatas: JsonObject[] = [{}, { split: "train" }, { split: "test", tags: [1, 2] }];

const desiredArb = fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: IDS.length }).chain((ids) =>
  fc.tuple(
    ...ids.map((id) =>
      fc
        .record({
          kind: fc.constantFrom("url", "url", "file", "dup"),
          url: fc.constantFrom("1", "2", "3"),
          concepts: fc.constantFrom(...conceptSets),
          metadata: fc.constantFrom(...metadatas),
          sha: fc.constantFrom(SHA_A, SHA_B),
        })
        .map((r): DesiredInput => {
          if (r.kind === "file") return fileInput(id, { sha256: r.sha, metadata: r.metadata });
          return urlInput(id, {
            url: `https://img.example.com/${r.url}.jpg`,
            concepts: r.concepts,
            metadata: r.metadata,
            dup: r.kind === "dup",
          });
        }),
    ),
  ),
);

const liveArb = fc.array(
  fc
    .record({
      id: fc.constantFrom(...IDS, "x", "y"),
      url: fc.constantFrom("1", "2", "3", "bytes"),
      concepts: fc.constantFrom<{ id: string; value?: number }[]>(
        [],
        [{ id: "cat" }],
        [{ id: "dog", value: 1 }, { id: "cat" }],
        [{ id: "dog", value: 0 }],
      ),
      metadata: fc.constantFrom(...metadatas),
      marker: fc.constantFrom<Record<string, string> | null>(
        { manifest: NAME },
        { manifest: NAME, sha256: SHA_A },
        { manifest: "other" },
        null,
      ),
      status: fc.constantFrom(30000, 30000, 30001, 30002),
    })
    .map(
      (r): ApiInput =>
        liveInput(r.id, {
          url: r.url === "bytes" ? null : `https://img.example.com/${r.url}.jpg`,
          concepts: r.concepts,
          metadata: r.metadata,
          marker: r.marker,
          status: r.status,
        }),
    ),
  { maxLength: 12 },
);

/** A result with its changes in a fixed order (the differ leaves them unsorted). */
function normalised(result: DiffResult) {
  const key = (change: { action: string; id: string }) => `${change.id}\u0000${change.action}`;
  return { ...result, changes: [...result.changes].sort((a, b) => (key(a) < key(b) ? -1 : 1)) };
}

/** Diffs with the index filled in chunks of `chunkSize`, the chunks interleaved by `schedule`. */
function diffWhileLoading(
  desired: DesiredInput[],
  live: ApiInput[],
  options: { prune: boolean; chunkSize: number; schedule: boolean[] },
): DiffResult {
  const chunks: DesiredChunk[] = [];
  const keys = new MemoryKeyStore();
  const sink = new ChunkingSink(options.chunkSize, (chunk) => chunks.push(chunk), keys);
  for (const input of desired) sink.add(input);
  sink.flush();
  const index = new DesiredIndex(keys);
  const differ = createDiffer({
    manifestName: NAME,
    desired: index,
    loading: true,
    prune: options.prune,
  });
  const pendingLive = [...live];
  let step = 0;
  while (chunks.length > 0 || pendingLive.length > 0) {
    const takeChunk =
      pendingLive.length === 0 ||
      (chunks.length > 0 && options.schedule[step++ % options.schedule.length]);
    if (takeChunk) {
      index.append(chunks.shift() as DesiredChunk);
      // Without a hasher, as diffInputs: a byte upload declared as a file is observed unhashed.
      for (const input of differ.desiredAdded()) differ.observe(input);
    } else differ.observe(pendingLive.shift() as ApiInput);
  }
  differ.desiredComplete();
  return differ.finish();
}

describe("the differ while the manifest loads", () => {
  it("decides exactly as against the complete index, whatever the interleaving", () => {
    fc.assert(
      fc.property(
        desiredArb,
        liveArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (desired, live, prune, chunkSize, schedule) => {
          const whole = diffInputs({ manifestName: NAME, desired, live, prune });
          const loading = diffWhileLoading(desired, live, {
            prune,
            chunkSize,
            schedule,
          });
          expect(normalised(loading)).toEqual(normalised(whole));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("holds live inputs back until their id is declared or the index is complete", () => {
    const index = new DesiredIndex();
    const differ = createDiffer({ manifestName: NAME, desired: index, loading: true, prune: true });
    differ.observe(liveInput("a", { concepts: [{ id: "cat" }] }));
    differ.observe(liveInput("gone"));
    expect(differ.pending).toBe(2);
    index.add(urlInput("a"));
    differ.desiredAdded();
    expect(differ.pending).toBe(1);
    differ.desiredComplete();
    expect(differ.pending).toBe(0);
    const { changes } = differ.finish();
    expect(changes.map((c) => [c.action, c.id])).toEqual([
      ["update", "a"],
      ["delete", "gone"],
    ]);
  });

  it("hands back a held byte upload declared as a file for its bytes to be hashed", () => {
    const index = new DesiredIndex();
    const differ = createDiffer({
      manifestName: NAME,
      desired: index,
      loading: true,
      prune: false,
    });
    const upload = liveInput("f", { url: null, marker: null });
    differ.observe(upload);
    index.add(fileInput("f", { sha256: SHA_A }));
    expect(differ.desiredAdded()).toEqual([upload]);
    differ.observe(upload, SHA_A);
    differ.desiredComplete();
    expect(differ.finish().summary).toMatchObject({ adopt: 1, replace: 0 });
  });

  it("refuses to finish before the index is complete", () => {
    const differ = createDiffer({
      manifestName: NAME,
      desired: new DesiredIndex(),
      loading: true,
      prune: false,
    });
    expect(() => differ.finish()).toThrow(/desiredComplete/);
  });
});
