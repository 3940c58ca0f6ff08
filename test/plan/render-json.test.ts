import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { parsePlanJson } from "../../src/plan/parse-plan.js";
import { renderPlanJson, renderPlanJsonChunks } from "../../src/plan/render-json.js";
import { fileInput, liveInput, MANIFEST_DIR, NAME, planFrom, urlInput } from "./helpers.js";
import { samplePlan } from "./sample-plan.js";

const header = {
  manifest: { path: "examples/dataset.yaml", name: NAME, sha256: "e".repeat(64) },
  target: { api_base: "https://api.clarifai.com", user_id: "acme", app_id: "catalog" },
};

async function smallPlan() {
  return await planFrom({
    ...header,
    prune: false,
    manifestDir: MANIFEST_DIR,
    desired: [
      fileInput("local-cat", { concepts: [{ id: "cat", value: 1 }] }),
      urlInput("puppy1", {
        concepts: ["charlie", { id: "cat", value: 0 }],
        metadata: { z: 1, a: { y: 2, x: 1 } },
        dup: true,
      }),
    ],
    live: [
      liveInput("puppy1", {
        concepts: [{ id: "charlie", value: 1 }],
        metadata: { a: { x: 1, y: 2 }, z: 0 },
      }),
    ],
  });
}

describe("renderPlanJson", () => {
  it("writes the contract's shape with a stable key order", async () => {
    expect(renderPlanJson(await smallPlan())).toMatchInlineSnapshot(`
      "{
        "format_version": 1,
        "manifest": {
          "path": "examples/dataset.yaml",
          "name": "product-photos",
          "sha256": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
        },
        "target": {
          "api_base": "https://api.clarifai.com",
          "user_id": "acme",
          "app_id": "catalog"
        },
        "options": {
          "prune": false
        },
        "summary": {
          "create": 1,
          "update": 1,
          "replace": 0,
          "recreate": 0,
          "delete": 0,
          "adopt": 0,
          "unchanged": 0,
          "unmanaged": 0
        },
        "live": {
          "total": 1,
          "owned": 1,
          "prunable": 0
        },
        "changes": [
          {
            "action": "create",
            "id": "local-cat",
            "after": {
              "id": "local-cat",
              "data": {
                "image": {
                  "file": {
                    "path": "images/local-cat.jpg",
                    "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    "size": 1234
                  }
                },
                "concepts": [
                  {
                    "id": "cat",
                    "value": 1
                  }
                ],
                "metadata": {
                  "_dataset": {
                    "manifest": "product-photos",
                    "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                  }
                }
              }
            }
          },
          {
            "action": "update",
            "id": "puppy1",
            "reasons": [
              "concepts",
              "metadata"
            ],
            "before": {
              "id": "puppy1",
              "data": {
                "image": {
                  "url": "https://img.example.com/puppy1.jpg"
                },
                "concepts": [
                  {
                    "id": "charlie",
                    "value": 1
                  }
                ],
                "metadata": {
                  "_dataset": {
                    "manifest": "product-photos"
                  },
                  "a": {
                    "x": 1,
                    "y": 2
                  },
                  "z": 0
                }
              },
              "created_at": "2025-03-04T10:15:22.894006Z",
              "modified_at": "2025-03-04T10:15:24.101312Z",
              "status": {
                "code": 30000,
                "description": "Ok"
              }
            },
            "after": {
              "id": "puppy1",
              "data": {
                "image": {
                  "url": "https://img.example.com/puppy1.jpg",
                  "allow_duplicate_url": true
                },
                "concepts": [
                  {
                    "id": "cat",
                    "value": 0
                  },
                  {
                    "id": "charlie",
                    "value": 1
                  }
                ],
                "metadata": {
                  "_dataset": {
                    "manifest": "product-photos"
                  },
                  "a": {
                    "x": 1,
                    "y": 2
                  },
                  "z": 1
                }
              }
            },
            "live_modified_at": "2025-03-04T10:15:24.101312Z"
          }
        ]
      }
      "
    `);
  });

  it("is JSON.stringify(plan, null, 2) with ordered keys, chunk by chunk", async () => {
    const plan = await samplePlan();
    const text = renderPlanJson(plan);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect([...renderPlanJsonChunks(plan)].length).toBe(plan.changes.length + 2);
    expect(JSON.parse(text)).toEqual(plan);
  });

  it("does not depend on the key order of the plan object", async () => {
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value !== null && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reverseKeys(v)]),
            )
          : value;
    const plan = await smallPlan();
    expect(renderPlanJson(reverseKeys(plan) as typeof plan)).toBe(renderPlanJson(plan));
  });

  it("writes an empty change list as []", async () => {
    const plan = await planFrom({ ...header, prune: false, desired: [], live: [] });
    expect(renderPlanJson(plan)).toContain('\n  "changes": []\n}\n');
    expect(JSON.parse(renderPlanJson(plan)).changes).toEqual([]);
  });
});

describe("parsePlanJson", () => {
  it("round-trips a rendered plan", async () => {
    const plan = await samplePlan();
    expect(parsePlanJson(renderPlanJson(plan))).toEqual(plan);
  });

  it("refuses a summary that disagrees with the changes, and deletes in a plan made without --prune", async () => {
    const plan = await samplePlan({ prune: true });
    const deletes = plan.changes.filter((c) => c.action === "delete").length;
    expect(deletes).toBeGreaterThan(0);
    const hidden = { ...plan, summary: { ...plan.summary, delete: 0 } };
    expect(() => parsePlanJson(renderPlanJson(hidden), "p.json")).toThrow(
      `summary.delete: says 0 but the plan has ${deletes} delete changes`,
    );
    const unpruned = { ...plan, options: { prune: false } };
    expect(() => parsePlanJson(renderPlanJson(unpruned), "p.json")).toThrow(
      "a plan made without --prune cannot delete",
    );
  });

  it("refuses another format_version with a clear message", async () => {
    const text = renderPlanJson(await smallPlan()).replace(
      '"format_version": 1',
      '"format_version": 2',
    );
    expect(() => parsePlanJson(text, "plan.json")).toThrow(
      "plan.json: unsupported format_version 2; this dataset reads format_version 1",
    );
    expect(() => parsePlanJson("{}", "plan.json")).toThrow(/format_version \(missing\)/);
  });

  it("refuses text that is not JSON", async () => {
    expect(() => parsePlanJson("{", "plan.json")).toThrow(/^plan.json: not valid JSON/);
  });

  it("names the path of every problem", async () => {
    const plan = JSON.parse(renderPlanJson(await smallPlan()));
    plan.summary.create = -1;
    plan.options = {};
    plan.changes[0].after.data.image.file.sha256 = "nope";
    plan.changes[1].reasons = ["colour"];
    plan.changes.push({
      action: "delete",
      id: "puppy1",
      before: { id: "other" },
      live_modified_at: 3,
    });
    plan.changes.push({ action: "rename", id: "x" });
    let error: unknown;
    try {
      parsePlanJson(JSON.stringify(plan), "plan.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe("plan-invalid");
    expect((error as UserError).message).toMatchInlineSnapshot(`
      "plan.json is not a valid plan:
        options.prune: is missing
        summary.create: must be a non-negative integer
        changes[0].after.data.image.file.sha256: must be a sha256 in hex
        changes[1].reasons[0]: must be one of concepts, metadata, ownership
        changes[2].live_modified_at: must be a string or null
        changes[3].action: must be one of create, update, adopt, replace, recreate, delete
        changes[2].id: "puppy1" appears in more than one change
        changes[2].before.id: must equal the change's id
        changes[2].action: a plan made without --prune cannot delete
        summary.create: says -1 but the plan has 1 create changes
        … and 1 more"
    `);
  });
});
