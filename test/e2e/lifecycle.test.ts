/**
 * The plan → apply → edit → plan loop through the built CLI, against one `dataset emulator`
 * process. Each test uses its own app id, so the tests never see each other's inputs; the app's
 * state is checked through the emulator's HTTP API, not through the CLI.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CATALOG_IDS,
  changeLine,
  editFile,
  idsOf,
  STACK_FRAME,
  useEmulatorProcess,
} from "./helpers.js";

const USER = "e2e-user";
const { dirs, emulator, cli, live } = useEmulatorProcess({
  prefix: "lifecycle",
  pat: "e2e-lifecycle-token",
  userId: USER,
});

describe("plan on an empty app", () => {
  it("prints every input as a create in text, json and markdown, and writes nothing", async () => {
    const app = "plan-formats";
    const cwd = dirs.catalog();

    const [text, json, markdown] = await Promise.all([
      cli(app, cwd, "plan", "dataset.yaml"),
      cli(app, cwd, "plan", "dataset.yaml", "--format", "json"),
      cli(app, cwd, "plan", "dataset.yaml", "--format", "markdown"),
    ]);
    expect(text.code, text.stderr).toBe(0);
    for (const id of CATALOG_IDS) expect(text.stdout).toMatch(changeLine("+", "create", id));
    expect(text.stdout).toContain(
      "Plan: 6 to create, 0 to update, 0 to replace, 0 to delete. 0 unchanged, 0 unmanaged.",
    );
    expect(text.stdout).toMatch(/^Apply will make about \d+ API requests?\b/m);
    expect(text.stderr).not.toMatch(/error|embedded local app/i);

    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.format_version).toBe(1);
    expect(plan.manifest).toMatchObject({ path: "dataset.yaml", name: "catalog" });
    expect(plan.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.target).toMatchObject({ api_base: emulator().url, user_id: USER, app_id: app });
    expect(plan.options).toEqual({ prune: false });
    expect(plan.summary).toEqual({
      create: 6,
      update: 0,
      replace: 0,
      recreate: 0,
      delete: 0,
      adopt: 0,
      unchanged: 0,
      unmanaged: 0,
    });
    expect(plan.changes.map((c: { action: string }) => c.action)).toEqual(Array(6).fill("create"));
    expect(idsOf(plan.changes)).toEqual(CATALOG_IDS);
    // A file input's `after` carries its path and sha256, never the bytes.
    const swatch = plan.changes.find((c: { id: string }) => c.id === "red-swatch");
    expect(swatch.after.data.image.file).toMatchObject({ path: "images/red.png" });
    expect(swatch.after.data.image.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    const redBase64 = readFileSync(join(cwd, "images/red.png")).toString("base64");
    expect(json.stdout).not.toContain(redBase64);

    expect(markdown.code, markdown.stderr).toBe(0);
    expect(markdown.stdout.startsWith("<!-- dataset-plan: catalog -->")).toBe(true);
    for (const id of CATALOG_IDS) expect(markdown.stdout).toContain(id);

    expect(await live(app)).toEqual([]);
  });

  it("--detailed-exitcode exits 2 when there are changes", async () => {
    const r = await cli(
      "plan-exitcode",
      dirs.catalog(),
      "plan",
      "dataset.yaml",
      "--detailed-exitcode",
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain("Plan: 6 to create");
  });
});

describe("apply", () => {
  it("--yes creates every input, waits for indexing, and a re-plan prints No changes (exit 0)", async () => {
    const app = "apply-fresh";
    const cwd = dirs.catalog();

    const before = await cli(app, cwd, "plan", "dataset.yaml", "--detailed-exitcode");
    expect(before.code, before.stderr).toBe(2);

    const apply = await cli(app, cwd, "apply", "dataset.yaml", "--yes");
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain("Plan: 6 to create");
    expect(apply.stdout).toMatch(
      /^Apply complete: 6 created, 0 updated, 0 replaced, 0 deleted; 6 indexed, 0 failed\.$/m,
    );
    expect(apply.stderr).not.toMatch(/error/i);

    const inputs = await live(app);
    expect(idsOf(inputs)).toEqual(CATALOG_IDS);
    // apply waited for indexing: every input is INPUT_SUCCESS (30000) now.
    expect(inputs.map((i) => i.statusCode)).toEqual(Array(6).fill(30000));
    const byId = new Map(inputs.map((i) => [i.id, i]));
    expect(byId.get("shoe-2")).toMatchObject({
      url: "https://images.example.com/shoe-2.jpg",
      concepts: ["boot=0", "shoe=1"],
      metadata: { source: "e2e", split: "test", _dataset: { manifest: "catalog" } },
    });
    expect(byId.get("bag-2")?.metadata).toMatchObject({ source: "e2e", split: "train" });
    const swatchMarker = byId.get("red-swatch")?.metadata._dataset as {
      manifest: string;
      sha256: string;
    };
    expect(swatchMarker.manifest).toBe("catalog");
    expect(swatchMarker.sha256).toMatch(/^[0-9a-f]{64}$/);

    const after = await cli(app, cwd, "plan", "dataset.yaml", "--detailed-exitcode");
    expect(after.code, after.stderr).toBe(0);
    // The plan names its target and where each part of it came from (here: the CI job's env vars).
    expect(after.stdout.trim()).toBe(
      [
        `Target: users/${USER}/apps/${app} on ${emulator().url} (API base from CLARIFAI_API_BASE; user and app from CLARIFAI_USER_ID and CLARIFAI_APP_ID)`,
        "No changes. The app matches the manifest (6 inputs).",
      ].join("\n"),
    );
    expect(apply.stdout).toMatch(
      new RegExp(
        `^Target: users/${USER}/apps/${app} on ${emulator().url.replace(/[.]/g, "\\.")} `,
        "m",
      ),
    );
  });

  it("without --yes and without a terminal: refuses with a clear message, exit 1, nothing written", async () => {
    const app = "apply-no-tty";
    const r = await cli(app, dirs.catalog(), "apply", "dataset.yaml");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Plan: 6 to create"); // the user sees what would have happened
    expect(r.stderr).toMatch(/^error: .*confirmation/m);
    expect(r.stderr).toContain("--yes");
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(await live(app)).toEqual([]);
  });
});

describe("an edited manifest", () => {
  it("plans and applies an update, replaces and a removal; --prune deletes only this manifest's inputs", async () => {
    const app = "edits";
    const cwd = dirs.catalog();
    const seed = await cli(app, cwd, "apply", "dataset.yaml", "--yes");
    expect(seed.code, seed.stderr).toBe(0);
    const other = await cli(app, cwd, "apply", "other-team.yaml", "--yes");
    expect(other.code, other.stderr).toBe(0);
    expect(idsOf(await live(app))).toEqual([...CATALOG_IDS, "other-1", "other-2"].sort());

    // update: shoe-1's metadata and concepts; replace: hat-1's URL and red-swatch's file content;
    // removal: bag-2 leaves the included file.
    editFile(join(cwd, "dataset.yaml"), (t) =>
      t
        .replace(
          "concepts: [shoe]\n    metadata: { split: train }",
          "concepts: [shoe, sneaker]\n    metadata: { split: validation }",
        )
        .replace("https://images.example.com/hat-1.jpg", "https://images.example.com/hat-1-v2.jpg"),
    );
    copyFileSync(join(cwd, "images/blue.png"), join(cwd, "images/red.png"));
    editFile(join(cwd, "inputs/bags.yaml"), (t) => t.slice(0, t.indexOf("  - id: bag-2")));

    const plan = await cli(app, cwd, "plan", "dataset.yaml", "--detailed-exitcode");
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(changeLine("~", "update", "shoe-1"));
    expect(plan.stdout).toMatch(changeLine("-/+", "replace", "hat-1"));
    expect(plan.stdout).toMatch(changeLine("-/+", "replace", "red-swatch"));
    expect(plan.stdout).toMatch(/^\s*\+ sneaker$/m);
    expect(plan.stdout).not.toMatch(/bag-2|other-/);
    expect(plan.stdout).toContain(
      "Plan: 0 to create, 1 to update, 2 to replace, 0 to delete. 2 unchanged, 2 unmanaged.",
    );
    expect(plan.stdout).toMatch(/no longer declared; run with --prune/);

    // Without --prune the removed input stays in the app.
    const apply = await cli(app, cwd, "apply", "dataset.yaml", "--yes");
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^Apply complete: 0 created, 1 updated, 2 replaced, 0 deleted\b/m);
    let inputs = await live(app);
    expect(idsOf(inputs)).toEqual([...CATALOG_IDS, "other-1", "other-2"].sort());
    const byId = new Map(inputs.map((i) => [i.id, i]));
    expect(byId.get("shoe-1")).toMatchObject({
      concepts: ["shoe=1", "sneaker=1"],
      metadata: { split: "validation" },
    });
    expect(byId.get("hat-1")?.url).toBe("https://images.example.com/hat-1-v2.jpg");
    expect(byId.get("hat-1")?.statusCode).toBe(30000);

    const quiet = await cli(app, cwd, "plan", "dataset.yaml", "--detailed-exitcode");
    expect(quiet.code, quiet.stdout).toBe(0);
    expect(quiet.stdout).toMatch(/^No changes\./m);

    // With --prune: bag-2 (owned by `catalog`, no longer declared) goes; other-team's inputs stay.
    const prunePlan = await cli(app, cwd, "plan", "dataset.yaml", "--prune", "--detailed-exitcode");
    expect(prunePlan.code, prunePlan.stderr).toBe(2);
    expect(prunePlan.stdout).toMatch(changeLine("-", "delete", "bag-2"));
    expect(prunePlan.stdout).not.toMatch(/other-[12]/);
    expect(prunePlan.stdout).toContain(
      "Plan: 0 to create, 0 to update, 0 to replace, 1 to delete. 5 unchanged, 2 unmanaged.",
    );
    // A plan that deletes says so before the list of changes.
    const deleteLine = prunePlan.stdout
      .split("\n")
      .findIndex((l) => changeLine("-", "delete", "bag-2").test(l));
    const firstMention = prunePlan.stdout.split("\n").findIndex((l) => /delet/i.test(l));
    expect(firstMention).toBeLessThan(deleteLine);

    const prune = await cli(app, cwd, "apply", "dataset.yaml", "--prune", "--yes");
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/^Apply complete: 0 created, 0 updated, 0 replaced, 1 deleted\b/m);
    inputs = await live(app);
    expect(idsOf(inputs)).toEqual([
      "bag-1",
      "hat-1",
      "other-1",
      "other-2",
      "red-swatch",
      "shoe-1",
      "shoe-2",
    ]);
    for (const id of ["other-1", "other-2"]) {
      const input = inputs.find((i) => i.id === id);
      expect(input?.metadata._dataset).toEqual({ manifest: "other-team" });
    }

    const done = await cli(app, cwd, "plan", "dataset.yaml", "--prune", "--detailed-exitcode");
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).toMatch(/^No changes\. The app matches the manifest \(5 inputs\)\.$/m);
  });
});
