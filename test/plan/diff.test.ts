import { describe, expect, it } from "vitest";
import type { ApiInput } from "../../src/api/types.js";
import type { DesiredInput } from "../../src/manifest/types.js";
import { canonicalJson } from "../../src/plan/canonical.js";
import { createDiffer, diffInputs } from "../../src/plan/diff.js";
import { buildPlan } from "../../src/plan/plan.js";
import {
  normaliseLiveInput,
  relativePosixPath,
  toPlannedInput,
} from "../../src/plan/planned-input.js";
import type { Change } from "../../src/plan/types.js";
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

function diff(desired: DesiredInput[], live: ApiInput[], prune = false) {
  return diffInputs({ manifestName: NAME, desired, live, prune, manifestDir: MANIFEST_DIR });
}

/** The only change of a diff, asserting there is exactly one. */
function only(desired: DesiredInput[], live: ApiInput[], prune = false): Change {
  const { changes } = diff(desired, live, prune);
  expect(changes).toHaveLength(1);
  return changes[0]!;
}

describe("diffInputs: unchanged", () => {
  it("counts an identical input as unchanged", async () => {
    const result = diff(
      [urlInput("a", { concepts: ["cat"], metadata: { split: "train" } })],
      [liveInput("a", { concepts: [{ id: "cat", value: 1 }], metadata: { split: "train" } })],
    );
    expect(result.changes).toEqual([]);
    expect(result.summary).toMatchObject({ unchanged: 1, create: 0, update: 0, unmanaged: 0 });
  });

  it("ignores concept order", async () => {
    const result = diff(
      [urlInput("a", { concepts: ["cat", "dog", { id: "bird", value: 0 }] })],
      [
        liveInput("a", {
          concepts: [
            { id: "bird", value: 0 },
            { id: "dog", value: 1 },
            { id: "cat", value: 1 },
          ],
        }),
      ],
    );
    expect(result.summary.unchanged).toBe(1);
  });

  it("treats a live concept without value as the API's default 1", async () => {
    expect(
      diff([urlInput("a", { concepts: ["cat"] })], [liveInput("a", { concepts: [{ id: "cat" }] })])
        .summary.unchanged,
    ).toBe(1);
  });

  it("ignores metadata key order at every depth", async () => {
    const result = diff(
      [urlInput("a", { metadata: { b: 1, a: { y: [1, { q: 1, p: 2 }], x: "s" } } })],
      [liveInput("a", { metadata: { a: { x: "s", y: [1, { p: 2, q: 1 }] }, b: 1 } })],
    );
    expect(result.summary.unchanged).toBe(1);
  });

  it("compares numbers as doubles: 100 equals 100.0", async () => {
    const live = JSON.parse('{"size": 100.0, "ratio": 0.5}') as Record<string, number>;
    expect(
      diff(
        [urlInput("a", { metadata: { size: 100, ratio: 0.5 } })],
        [liveInput("a", { metadata: live })],
      ).summary.unchanged,
    ).toBe(1);
  });

  it("ignores the reserved _dataset key when comparing user metadata", async () => {
    const desired = urlInput("a", { metadata: { k: 1 } });
    // A desired value under _dataset would be a loader bug; it must not make a metadata diff.
    (desired.metadata as Record<string, unknown>)._dataset = { manifest: "whatever" };
    expect(diff([desired], [liveInput("a", { metadata: { k: 1 } })]).summary.unchanged).toBe(1);
  });

  it("trims URLs before comparing them", async () => {
    expect(
      diff(
        [urlInput("a", { url: "https://x/a.jpg" })],
        [liveInput("a", { url: " https://x/a.jpg " })],
      ).summary.unchanged,
    ).toBe(1);
  });

  it("treats a matching file (recorded sha256) as unchanged", async () => {
    const result = diff(
      [fileInput("f")],
      [liveInput("f", { url: null, marker: { manifest: NAME, sha256: SHA_A } })],
    );
    expect(result.summary.unchanged).toBe(1);
  });

  it("does not diff pending or in-progress inputs", async () => {
    const result = diff(
      [urlInput("a"), urlInput("b")],
      [liveInput("a", { status: 30001 }), liveInput("b", { status: 30003 })],
    );
    expect(result.summary.unchanged).toBe(2);
  });
});

describe("diffInputs: create", () => {
  it("creates declared ids absent from the app, with the planned shape", async () => {
    const change = only(
      [urlInput("a", { concepts: ["cat", { id: "dog", value: 0 }], metadata: { s: 1 } })],
      [],
    );
    expect(change).toEqual({
      action: "create",
      id: "a",
      after: {
        id: "a",
        data: {
          image: { url: "https://img.example.com/a.jpg" },
          concepts: [
            { id: "cat", value: 1 },
            { id: "dog", value: 0 },
          ],
          metadata: { s: 1, _dataset: { manifest: NAME } },
        },
      },
    });
  });

  it("sends allow_duplicate_url only when the input allows duplicates", async () => {
    const [change] = diff([urlInput("a", { dup: true })], []).changes;
    expect(change?.action === "create" && change.after.data.image).toEqual({
      url: "https://img.example.com/a.jpg",
      allow_duplicate_url: true,
    });
  });

  it("records a file by path relative to the manifest, sha256 and size, and the sha256 in the marker", async () => {
    const change = only([fileInput("f", { path: "images/cats/f.jpg" })], []);
    expect(change.action === "create" && change.after.data).toEqual({
      image: { file: { path: "images/cats/f.jpg", sha256: SHA_A, size: 1234 } },
      concepts: [],
      metadata: { _dataset: { manifest: NAME, sha256: SHA_A } },
    });
  });
});

describe("diffInputs: update", () => {
  it("flips a concept value 1 -> 0", async () => {
    const change = only(
      [urlInput("a", { concepts: [{ id: "cat", value: 0 }] })],
      [liveInput("a", { concepts: [{ id: "cat", value: 1 }] })],
    );
    expect(change).toMatchObject({ action: "update", reasons: ["concepts"] });
  });

  it("adds and removes concepts", async () => {
    const change = only(
      [urlInput("a", { concepts: ["cat"] })],
      [liveInput("a", { concepts: [{ id: "dog", value: 1 }] })],
    );
    expect(change).toMatchObject({ action: "update", reasons: ["concepts"] });
  });

  it("sees a nested metadata change", async () => {
    const change = only(
      [urlInput("a", { metadata: { a: { b: { c: 2 } } } })],
      [liveInput("a", { metadata: { a: { b: { c: 1 } } } })],
    );
    expect(change).toMatchObject({ action: "update", reasons: ["metadata"] });
  });

  it("sees array order in metadata", async () => {
    const change = only(
      [urlInput("a", { metadata: { tags: ["x", "y"] } })],
      [liveInput("a", { metadata: { tags: ["y", "x"] } })],
    );
    expect(change).toMatchObject({ action: "update", reasons: ["metadata"] });
  });

  it("adopts an input without the ownership marker whose data is the same", async () => {
    const change = only(
      [urlInput("a", { concepts: ["cat"], metadata: { k: 1 } })],
      [liveInput("a", { marker: null, concepts: [{ id: "cat" }], metadata: { k: 1 } })],
    );
    expect(change).toMatchObject({
      action: "adopt",
      id: "a",
      live_modified_at: expect.any(String),
    });
    expect(change).not.toHaveProperty("reasons");
    expect(diff([urlInput("a")], [liveInput("a", { marker: null })]).summary).toMatchObject({
      adopt: 1,
      update: 0,
      unchanged: 0,
    });
  });

  it("updates (adding the marker) an unmarked input whose data differs", async () => {
    const change = only(
      [urlInput("a", { metadata: { k: 2 } })],
      [liveInput("a", { marker: null })],
    );
    expect(change).toMatchObject({ action: "update", reasons: ["metadata", "ownership"] });
  });

  it("takes over an input another manifest owns when this one declares it", async () => {
    const change = only([urlInput("a")], [liveInput("a", { marker: { manifest: "other" } })]);
    expect(change).toMatchObject({ action: "update", reasons: ["ownership"] });
  });

  it("rewrites a marker that differs from what would be written", async () => {
    const change = only([urlInput("a")], [liveInput("a", { marker: { manifest: NAME, x: 1 } })]);
    expect(change).toMatchObject({ action: "update", reasons: ["ownership"] });
  });

  it("reads a live input whose marker carries a sha256 as a byte upload: a declared URL replaces it", async () => {
    const change = only(
      [urlInput("a")],
      [liveInput("a", { marker: { manifest: NAME, sha256: SHA_A } })],
    );
    expect(change).toMatchObject({ action: "replace", reason: "url" });
  });

  it("lists every reason and records live_modified_at and a normalised before", async () => {
    const change = only(
      [urlInput("a", { concepts: ["cat"], metadata: { k: 2 } })],
      [
        liveInput("a", {
          marker: null,
          metadata: { k: 1 },
          modified: "2025-05-05T00:00:00.000001Z",
        }),
      ],
    );
    expect(change).toMatchObject({
      action: "update",
      reasons: ["concepts", "metadata", "ownership"],
      live_modified_at: "2025-05-05T00:00:00.000001Z",
    });
    expect(change.action === "update" && change.before).toEqual({
      id: "a",
      data: { image: { url: "https://img.example.com/a.jpg" }, metadata: { k: 1 } },
      created_at: "2025-03-04T10:15:22.894006Z",
      modified_at: "2025-05-05T00:00:00.000001Z",
      status: { code: 30000, description: "Ok" },
    });
  });
});

describe("diffInputs: replace and recreate", () => {
  it("replaces when the URL changed", async () => {
    const change = only(
      [urlInput("a", { url: "https://x/new.jpg" })],
      [liveInput("a", { url: "https://x/old.jpg" })],
    );
    expect(change).toMatchObject({ action: "replace", reason: "url" });
  });

  it("replaces when the file's sha256 changed", async () => {
    const change = only(
      [fileInput("f", { sha256: SHA_B })],
      [liveInput("f", { url: null, marker: { manifest: NAME, sha256: SHA_A } })],
    );
    expect(change).toMatchObject({
      action: "replace",
      reason: "file",
      after: { data: { image: { file: { sha256: SHA_B } } } },
    });
  });

  it("replaces a file input whose live sha256 is unknown (no marker)", async () => {
    expect(only([fileInput("f")], [liveInput("f", { url: null, marker: null })])).toMatchObject({
      action: "replace",
      reason: "file",
    });
  });

  it("replaces url <-> file", async () => {
    expect(only([fileInput("f")], [liveInput("f")])).toMatchObject({
      action: "replace",
      reason: "file",
    });
    expect(
      only(
        [urlInput("u")],
        [liveInput("u", { url: null, marker: { manifest: NAME, sha256: SHA_A } })],
      ),
    ).toMatchObject({
      action: "replace",
      reason: "url",
    });
  });

  it("recreates an input that failed to index", async () => {
    const change = only([urlInput("a")], [liveInput("a", { status: 30002 })]);
    expect(change).toMatchObject({
      action: "recreate",
      reason: "failed",
      before: { status: { code: 30002 } },
    });
  });

  it("recreates on the other per-input failure codes too", async () => {
    for (const status of [30101, 30104, 30105, 30106, 39996]) {
      expect(only([urlInput("a")], [liveInput("a", { status })]).action).toBe("recreate");
    }
  });

  it("prefers replace (the URL changed) over recreate for a failed input", async () => {
    expect(
      only([urlInput("a", { url: "https://x/new.jpg" })], [liveInput("a", { status: 30002 })])
        .action,
    ).toBe("replace");
  });
});

describe("diffInputs: delete, unmanaged, prunable", () => {
  const live = [
    liveInput("mine-gone"),
    liveInput("theirs", { marker: { manifest: "other" } }),
    liveInput("nobody", { marker: null }),
    liveInput("weird", { marker: { manifest: 42 } as never }),
  ];

  it("with prune deletes only undeclared inputs owned by this manifest", async () => {
    const result = diff([], live, true);
    expect(result.changes.map((c) => `${c.action} ${c.id}`)).toEqual(["delete mine-gone"]);
    expect(result.summary).toMatchObject({ delete: 1, unmanaged: 3 });
    expect(result.live).toEqual({ total: 4, owned: 1, prunable: 0 });
  });

  it("without prune deletes nothing and counts owned leftovers as prunable, not unmanaged", async () => {
    const result = diff([], live, false);
    expect(result.changes).toEqual([]);
    expect(result.summary).toMatchObject({ delete: 0, unmanaged: 3 });
    expect(result.live).toEqual({ total: 4, owned: 1, prunable: 1 });
  });

  it("never deletes a declared input, whoever owns it", async () => {
    const result = diff(
      [urlInput("theirs"), urlInput("mine")],
      [liveInput("theirs", { marker: { manifest: "other" } }), liveInput("mine")],
      true,
    );
    expect(result.summary).toMatchObject({ delete: 0, update: 1, unchanged: 1 });
  });

  it("lists a repeated live id once", async () => {
    const result = diff(
      [urlInput("a", { metadata: { k: 2 } })],
      [liveInput("a"), liveInput("a"), liveInput("x"), liveInput("x")],
      true,
    );
    expect(result.changes.map((c) => `${c.action} ${c.id}`)).toEqual(["update a", "delete x"]);
  });
});

describe("createDiffer", () => {
  it("streams: creates come out of finish() for ids never observed", async () => {
    const differ = createDiffer({
      manifestName: NAME,
      desired: [urlInput("a"), urlInput("b")],
      prune: false,
    });
    differ.observe(liveInput("a"));
    const { changes, summary } = differ.finish();
    expect(changes.map((c) => `${c.action} ${c.id}`)).toEqual(["create b"]);
    expect(summary.unchanged).toBe(1);
    expect(() => differ.observe(liveInput("c"))).toThrow(/after finish/);
  });

  it("rejects duplicate desired ids", async () => {
    expect(() =>
      createDiffer({ manifestName: NAME, desired: [urlInput("a"), urlInput("a")], prune: false }),
    ).toThrow(/duplicate/);
  });

  it("handles 100,000 declared inputs against the same 100,000 live ones plus changes", async () => {
    const n = 100_000;
    const desired: DesiredInput[] = [];
    for (let i = 0; i < n; i++)
      desired.push(urlInput(`id${i}`, { concepts: ["c"], metadata: { i, split: "train" } }));
    const differ = createDiffer({ manifestName: NAME, desired, prune: true });
    for (let i = n - 1; i >= 0; i--) {
      const metadata = { split: "train", i: i % 1000 === 0 ? -1 : i };
      differ.observe(liveInput(`id${i}`, { concepts: [{ id: "c", value: 1 }], metadata }));
    }
    for (let i = 0; i < 50; i++) differ.observe(liveInput(`gone${i}`));
    const result = differ.finish();
    expect(result.summary).toEqual({
      create: 0,
      update: 100,
      replace: 0,
      recreate: 0,
      delete: 50,
      adopt: 0,
      unchanged: n - 100,
      unmanaged: 0,
    });
  });
});

describe("buildPlan / planInputs", () => {
  it("orders changes delete, replace, recreate, create, update, each by id", async () => {
    const plan = await planFrom({
      manifest: { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) },
      target: { api_base: "http://127.0.0.1:1", user_id: "u", app_id: "a" },
      prune: true,
      manifestDir: MANIFEST_DIR,
      desired: [
        urlInput("u2", { metadata: { k: 1 } }),
        urlInput("c2"),
        urlInput("r1", { url: "https://x/n.jpg" }),
        urlInput("u1", { concepts: ["x"] }),
        urlInput("c1"),
        urlInput("f1"),
      ],
      live: [
        liveInput("u2"),
        liveInput("d2"),
        liveInput("u1"),
        liveInput("f1", { status: 30002 }),
        liveInput("r1"),
        liveInput("d1"),
      ],
    });
    expect(plan.changes.map((c) => `${c.action} ${c.id}`)).toEqual([
      "delete d1",
      "delete d2",
      "replace r1",
      "recreate f1",
      "create c1",
      "create c2",
      "update u1",
      "update u2",
    ]);
    expect(plan.format_version).toBe(1);
    expect(plan.options).toEqual({ prune: true });
    expect(plan.live).toEqual({ total: 6, owned: 6, prunable: 0 });
  });

  it("sorts by code unit, not locale", async () => {
    const plan = buildPlan({
      manifest: { path: "m", name: NAME, sha256: "" },
      target: { api_base: "", user_id: "", app_id: "" },
      prune: false,
      summary: {
        create: 3,
        update: 0,
        replace: 0,
        recreate: 0,
        delete: 0,
        adopt: 0,
        unchanged: 0,
        unmanaged: 0,
      },
      changes: ["b", "B", "a"].map((id) => ({
        action: "create",
        id,
        after: toPlannedInput(urlInput(id), { manifestName: NAME }),
      })),
    });
    expect(plan.changes.map((c) => c.id)).toEqual(["B", "a", "b"]);
  });
});

describe("helpers", () => {
  it("canonicalJson sorts keys, keeps arrays, and reads 100.0 as 100", async () => {
    expect(canonicalJson(JSON.parse('{"b":[2,1],"a":{"d":100.0,"c":null}}'))).toBe(
      '{"a":{"c":null,"d":100},"b":[2,1]}',
    );
  });

  it("relativePosixPath", async () => {
    expect(relativePosixPath("/repo/data", "/repo/data/images/a.jpg")).toBe("images/a.jpg");
    expect(relativePosixPath("/repo/data/", "/repo/shared/a.jpg")).toBe("../shared/a.jpg");
    expect(relativePosixPath("/repo/./data/x/..", "/repo/data/a.jpg")).toBe("a.jpg");
    expect(relativePosixPath("C:\\repo", "C:\\repo\\img\\a.jpg")).toBe("img/a.jpg");
    expect(relativePosixPath("data", "/abs/a.jpg")).toBe("/abs/a.jpg");
  });

  it("toPlannedInput without manifestDir records the absolute path", async () => {
    const planned = toPlannedInput(fileInput("f"), { manifestName: NAME });
    expect(planned.data.image).toEqual({
      file: { path: `${MANIFEST_DIR}/images/f.jpg`, sha256: SHA_A, size: 1234 },
    });
  });

  it("normaliseLiveInput drops hosted, image_info and concept noise", async () => {
    expect(
      normaliseLiveInput(liveInput("a", { concepts: [{ id: "c", value: 0 }, { id: "d" }] })),
    ).toEqual({
      id: "a",
      data: {
        image: { url: "https://img.example.com/a.jpg" },
        concepts: [
          { id: "c", value: 0 },
          { id: "d", value: 1 },
        ],
        metadata: { _dataset: { manifest: NAME } },
      },
      created_at: "2025-03-04T10:15:22.894006Z",
      modified_at: "2025-03-04T10:15:24.101312Z",
      status: { code: 30000, description: "Ok" },
    });
  });
});

describe("diffInputs: conflicts (a post the API would refuse)", () => {
  const U = "https://img.example.com/shared.jpg";
  const conflictsOf = (desired: DesiredInput[], live: ApiInput[], prune = false) =>
    diff(desired, live, prune).conflicts;

  it("finds a create whose URL an unmanaged input keeps", () => {
    expect(
      conflictsOf([urlInput("new", { url: U })], [liveInput("theirs", { url: U, marker: null })]),
    ).toEqual([{ id: "new", url: U, live_id: "theirs", prunable: false }]);
  });

  it("says --prune would free it when the old input is ours and undeclared; with --prune it is gone", () => {
    const desired = [urlInput("new", { url: U })];
    const live = [liveInput("old", { url: ` ${U}` })];
    expect(conflictsOf(desired, live)).toEqual([
      { id: "new", url: U, live_id: "old", prunable: true },
    ]);
    expect(conflictsOf(desired, live, true)).toEqual([]);
  });

  it("never for a create with allow_duplicate_url: true", () => {
    expect(
      conflictsOf([urlInput("new", { url: U, dup: true })], [liveInput("old", { url: U })]),
    ).toEqual([]);
  });

  it("finds a replace posting a URL a kept input holds, and not one whose holder is replaced too", () => {
    // b moves to U, which an input of another manifest keeps.
    expect(
      conflictsOf(
        [urlInput("b", { url: U })],
        [liveInput("b"), liveInput("theirs", { url: U, marker: { manifest: "other" } })],
      ),
    ).toEqual([{ id: "b", url: U, live_id: "theirs", prunable: false }]);
    // a and b swap URLs: both are deleted before either is posted.
    const V = "https://img.example.com/other.jpg";
    expect(
      conflictsOf(
        [urlInput("a", { url: V }), urlInput("b", { url: U })],
        [liveInput("a", { url: U }), liveInput("b", { url: V })],
      ),
    ).toEqual([]);
  });

  it("finds a recreate whose URL another live input keeps", () => {
    expect(
      conflictsOf(
        [urlInput("a", { url: U })],
        [liveInput("a", { url: U, status: 30002 }), liveInput("copy", { url: U, marker: null })],
      ),
    ).toEqual([{ id: "a", url: U, live_id: "copy", prunable: false }]);
  });

  it("not for an input that keeps its own URL, nor for a byte upload's hosted URL", () => {
    expect(conflictsOf([urlInput("a", { url: U })], [liveInput("a", { url: U })])).toEqual([]);
    expect(
      conflictsOf(
        [urlInput("new", { url: U })],
        [liveInput("bytes", { url: U, marker: { manifest: "other", sha256: SHA_A } })],
      ),
    ).toEqual([]);
  });

  it("lists each pair once, sorted, even when the stream repeats an input", () => {
    const live = [
      liveInput("z", { url: U, marker: null }),
      liveInput("y", { url: U, marker: null }),
    ];
    expect(
      conflictsOf([urlInput("new", { url: U })], [...live, ...live]).map((c) => c.live_id),
    ).toEqual(["y", "z"]);
  });
});
