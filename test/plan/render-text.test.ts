import { describe, expect, it } from "vitest";
import { estimateRequests, formatDuration, formatEstimate } from "../../src/plan/estimate.js";
import { renderPlanText } from "../../src/plan/render-text.js";
import { liveInput, NAME, planFrom, urlInput } from "./helpers.js";
import { samplePlan } from "./sample-plan.js";

const header = {
  manifest: { path: "dataset.yaml", name: NAME, sha256: "0".repeat(64) },
  target: { api_base: "http://127.0.0.1:1", user_id: "u", app_id: "a", local: true },
};

describe("renderPlanText", () => {
  it("renders every kind of change, deletions announced first (no colour)", async () => {
    expect(renderPlanText(await samplePlan(), { color: false, maxRps: 15 })).toMatchInlineSnapshot(`
      "Target: users/acme/apps/catalog on https://api.clarifai.com
      Warning: this plan deletes 4 inputs (1 pruned, 2 replaced, 1 recreated).

        - delete   old1
            https://img.example.com/old1.jpg

      -/+ replace  edited (file changed)
            file: images/edited.jpg (sha256 aaaaaaaaaaaa… -> bbbbbbbbbbbb…)
      -/+ replace  moved (url changed)
            url: https://img.example.com/moved.jpg -> https://img.example.com/moved-new.jpg

      -/+ recreate broken (reason: failed)
            status: 30002 Download failed

        + create   local-cat
            file: images/cat.jpg
            concepts: cat
        + create   train1
            url: https://img.example.com/train1.jpg
            concepts: train
            metadata: {"split":"train"}

        ~ update   puppy1 (concepts, metadata)
            - dog
            cat: 1 -> 0
            metadata:
                {
                  "id": "id001",
                  "nested": {
                    "a": [
                      1,
                      2
                    ],
                    "b": true
                  },
              -   "size": 100,
              +   "size": 200,
                  "type": "animal"
                }

        ~ adopt    adopted
            owner: (none) -> product-photos (adopted)

      Plan: 2 to create, 1 to update, 2 to replace, 1 to recreate, 1 to delete, 1 to adopt. 1 unchanged, 1 unmanaged.
      Apply will make about 9 API requests (about 1 s at 15 requests/s).
      "
    `);
  });

  it("colours symbols, concept deltas and the metadata diff when asked", async () => {
    const text = renderPlanText(await samplePlan({ prune: false }), { color: true });
    // Escape codes made visible so the snapshot stays readable.
    expect(text.replaceAll("\u001b", "␛")).toMatchInlineSnapshot(`
      "␛[2mTarget: users/acme/apps/catalog on https://api.clarifai.com␛[22m
      ␛[1m␛[33mWarning:␛[39m␛[22m this plan deletes 3 inputs (2 replaced, 1 recreated).

      ␛[31m-/+ replace␛[39m  ␛[1medited␛[22m (file changed)
            file: images/edited.jpg (sha256 aaaaaaaaaaaa… -> bbbbbbbbbbbb…)
      ␛[31m-/+ replace␛[39m  ␛[1mmoved␛[22m (url changed)
            url: https://img.example.com/moved.jpg -> https://img.example.com/moved-new.jpg

      ␛[31m-/+ recreate␛[39m ␛[1mbroken␛[22m (reason: failed)
            status: 30002 Download failed

      ␛[32m  + create␛[39m   ␛[1mlocal-cat␛[22m
            file: images/cat.jpg
            concepts: cat
      ␛[32m  + create␛[39m   ␛[1mtrain1␛[22m
            url: https://img.example.com/train1.jpg
            concepts: train
            metadata: {"split":"train"}

      ␛[33m  ~ update␛[39m   ␛[1mpuppy1␛[22m (concepts, metadata)
      ␛[31m      - dog␛[39m
      ␛[33m      cat: 1 -> 0␛[39m
            metadata:
      ␛[2m          {␛[22m
      ␛[2m            "id": "id001",␛[22m
      ␛[2m            "nested": {␛[22m
      ␛[2m              "a": [␛[22m
      ␛[2m                1,␛[22m
      ␛[2m                2␛[22m
      ␛[2m              ],␛[22m
      ␛[2m              "b": true␛[22m
      ␛[2m            },␛[22m
      ␛[31m        -   "size": 100,␛[39m
      ␛[32m        +   "size": 200,␛[39m
      ␛[2m            "type": "animal"␛[22m
      ␛[2m          }␛[22m

      ␛[33m  ~ adopt␛[39m    ␛[1madopted␛[22m
            owner: (none) -> product-photos (adopted)

      ␛[1mPlan: 2 to create, 1 to update, 2 to replace, 1 to recreate, 0 to delete, 1 to adopt. 1 unchanged, 1 unmanaged.␛[22m
      Apply will make about 9 API requests.
      1 input owned by this manifest is no longer declared; run with --prune to delete it.
      "
    `);
    expect(text.replace(/\u001b\[\d+m/g, "")).toBe(
      renderPlanText(await samplePlan({ prune: false }), { color: false }),
    );
  });

  it("says exactly that nothing changes", async () => {
    const plan = await planFrom({
      ...header,
      prune: false,
      desired: [urlInput("a"), urlInput("b")],
      live: [liveInput("a"), liveInput("b"), liveInput("x", { marker: null })],
    });
    expect(renderPlanText(plan, { color: false })).toBe(
      "Target: users/u/apps/a on http://127.0.0.1:1\nNo changes. The app matches the manifest (2 inputs).\n",
    );
  });

  it("mentions owned inputs that --prune would delete", async () => {
    const plan = await planFrom({
      ...header,
      prune: false,
      desired: [urlInput("a")],
      live: [liveInput("a"), liveInput("gone")],
    });
    expect(renderPlanText(plan, { color: false })).toMatchInlineSnapshot(`
      "Target: users/u/apps/a on http://127.0.0.1:1
      No changes. The app matches the manifest (1 input).
      1 input owned by this manifest is no longer declared; run with --prune to delete it.
      "
    `);
  });

  it("lists at most maxPerAction changes per action and says how many more", async () => {
    const desired = ["a", "b", "c", "d", "e"].map((id) => urlInput(id, { metadata: { k: 2 } }));
    const plan = await planFrom({
      ...header,
      prune: false,
      desired,
      live: [liveInput("d", { metadata: { k: 1 } }), liveInput("e", { metadata: { k: 1 } })],
    });
    expect(renderPlanText(plan, { color: false, maxPerAction: 2 })).toMatchInlineSnapshot(`
      "Target: users/u/apps/a on http://127.0.0.1:1

        + create   a
            url: https://img.example.com/a.jpg
            metadata: {"k":2}
        + create   b
            url: https://img.example.com/b.jpg
            metadata: {"k":2}
          … and 1 more to create

        ~ update   d (metadata)
            metadata:
                {
              -   "k": 1
              +   "k": 2
                }
        ~ update   e (metadata)
            metadata:
                {
              -   "k": 1
              +   "k": 2
                }

      Plan: 3 to create, 2 to update, 0 to replace, 0 to delete. 0 unchanged, 0 unmanaged.
      Apply will make about 7 API requests.
      "
    `);
  });

  it("keeps terminal control characters out of the output", async () => {
    const plan = await planFrom({
      ...header,
      prune: true,
      desired: [],
      live: [liveInput("evil\u001b[2J", { url: "https://x/\u0007" })],
    });
    const text = renderPlanText(plan, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain("evil\\u001b[2J");
  });
});

describe("estimateRequests", () => {
  const summary = {
    create: 2,
    update: 1,
    replace: 1,
    recreate: 0,
    delete: 0,
    adopt: 0,
    unchanged: 40,
    unmanaged: 3,
  };

  it("follows the applier's requests: stream, batches of 128, confirmations, count polls", async () => {
    // stream 1 page (45 live) + delete 1 + confirm 1 ListInputs + post 1 + patch 1
    // + GetInputCount before the writes 1 + 3 rounds
    expect(estimateRequests({ summary })).toEqual({ requests: 9 });
    expect(estimateRequests({ summary }, { maxRps: 15 })).toEqual({ requests: 9, seconds: 1 });
    const big = { ...summary, create: 1000, update: 300, replace: 0, delete: 129 };
    // stream 1 (472 live) + delete 2 + post 8 + patch 3 + counts 1 + 2 rounds
    expect(estimateRequests({ summary: big }, { indexRounds: 2 }).requests).toBe(17);
    expect(
      estimateRequests({ summary: { ...summary, create: 0, update: 0, replace: 0 } }).requests,
    ).toBe(0);
  });

  it("confirms deletions with one ListInputs per 128 reposted ids per round, never one per id", async () => {
    const replaced = {
      ...summary,
      create: 0,
      update: 0,
      replace: 10_000,
      unchanged: 0,
      unmanaged: 0,
    };
    // stream 11 + delete 79 + confirm 79 × 2 + post 79 + counts 1 + 3
    expect(estimateRequests({ summary: replaced }, { confirmRounds: 2 }).requests).toBe(331);
    // The benchmark's replace-10k made 79 + 79 + 79 + 4 requests after its stream.
    expect(estimateRequests({ summary: replaced }).requests).toBe(11 + 79 * 3 + 4);
  });

  it("counts apply's own read of the app, 1,000 inputs a page", async () => {
    const huge = { ...summary, create: 0, update: 1, replace: 0, unchanged: 999_999, unmanaged: 0 };
    // 1,000,000 live: 1,001 pages (the last one empty) + 1 patch; nothing posted, so no wait.
    expect(estimateRequests({ summary: huge }).requests).toBe(1002);
    expect(estimateRequests({ summary: huge }, { maxRps: 15 }).seconds).toBe(67);
  });

  it("formats the line like the contract", async () => {
    expect(formatEstimate({ requests: 4, seconds: 1 }, 15)).toBe(
      "Apply will make about 4 API requests (about 1 s at 15 requests/s).",
    );
    expect(formatEstimate({ requests: 1 })).toBe("Apply will make about 1 API request.");
    expect(formatEstimate({ requests: 12_345, seconds: 823 }, 15)).toBe(
      "Apply will make about 12,345 API requests (about 14 min at 15 requests/s).",
    );
    expect(formatDuration(7200)).toBe("2 h");
  });
});
