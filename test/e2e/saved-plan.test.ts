/**
 * `plan --out FILE` then `apply FILE`, and the stale-plan check, through the built CLI against a
 * `dataset emulator` process. The app's state is checked through the emulator's HTTP API.
 */
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG_IDS, editFile, idsOf, STACK_FRAME, useEmulatorProcess } from "./helpers.js";

const USER = "e2e-user";
const { dirs, emulator, cli, live } = useEmulatorProcess({
  prefix: "saved-plan",
  pat: "e2e-saved-plan-token",
  userId: USER,
});

describe("a saved plan", () => {
  it("plan --out then apply plan.json applies exactly that plan, without asking again", async () => {
    const app = "saved-plan";
    const cwd = dirs.catalog();
    // Named as the user likes: a saved plan is known by its content.
    const plan = await cli(app, cwd, "plan", "dataset.yaml", "--out", "reviewed.plan");
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Plan: 6 to create");
    expect(plan.stderr).toContain("dataset apply reviewed.plan");
    const saved = JSON.parse(readFileSync(join(cwd, "reviewed.plan"), "utf8"));
    expect(saved).toMatchObject({ format_version: 1, summary: { create: 6 } });
    expect(await live(app)).toEqual([]);

    // No --yes and no terminal: the plan was reviewed when it was made, as with Terraform.
    const apply = await cli(app, cwd, "apply", "reviewed.plan");
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^Apply complete: 6 created\b/m);
    expect(idsOf(await live(app))).toEqual(CATALOG_IDS);

    const again = await cli(app, cwd, "plan", "dataset.yaml", "--detailed-exitcode");
    expect(again.code, again.stdout).toBe(0);
  });

  it("is refused when an input it creates appeared meanwhile: error: the plan is stale, exit 1, nothing written", async () => {
    const app = "stale-create";
    const cwd = dirs.catalog();
    const plan = await cli(app, cwd, "plan", "dataset.yaml", "--out", "plan.json");
    expect(plan.code, plan.stderr).toBe(0);

    // Someone else creates hat-1 before the plan is applied.
    const response = await fetch(`${emulator().url}/v2/users/${USER}/apps/${app}/inputs`, {
      method: "POST",
      headers: { authorization: `Key ${emulator().pat}`, "content-type": "application/json" },
      body: JSON.stringify({
        inputs: [
          { id: "hat-1", data: { image: { url: "https://images.example.com/theirs.jpg" } } },
        ],
      }),
    });
    expect(((await response.json()) as { status: { code: number } }).status.code).toBe(10000);

    const apply = await cli(app, cwd, "apply", "plan.json", "--yes");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^error: the plan is stale\b.*hat-1/m);
    expect(apply.stderr).not.toMatch(STACK_FRAME);
    const inputs = await live(app);
    expect(idsOf(inputs)).toEqual(["hat-1"]);
    expect(inputs[0]?.url).toBe("https://images.example.com/theirs.jpg");
  });

  it("is refused when a file it uploads changed since the plan: error: the plan is stale, exit 1, nothing written", async () => {
    const app = "stale-file";
    const cwd = dirs.catalog();
    const plan = await cli(app, cwd, "plan", "dataset.yaml", "--out", "plan.json");
    expect(plan.code, plan.stderr).toBe(0);

    copyFileSync(join(cwd, "images/blue.png"), join(cwd, "images/red.png"));
    const apply = await cli(app, cwd, "apply", "plan.json", "--yes");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^error: the plan is stale\b.*red\.png/m);
    expect(await live(app)).toEqual([]);
  });

  it("is refused when an input it updates was modified since the plan", async () => {
    const app = "stale-update";
    const cwd = dirs.catalog();
    expect((await cli(app, cwd, "apply", "dataset.yaml", "--yes")).code).toBe(0);
    editFile(join(cwd, "dataset.yaml"), (t) =>
      t.replace("concepts: [hat]", "concepts: [hat, cap]"),
    );
    const plan = await cli(app, cwd, "plan", "dataset.yaml", "--out", "plan.json");
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Plan: 0 to create, 1 to update, 0 to replace");

    // Someone edits hat-1's metadata by hand after the plan was made.
    const response = await fetch(`${emulator().url}/v2/users/${USER}/apps/${app}/inputs`, {
      method: "PATCH",
      headers: { authorization: `Key ${emulator().pat}`, "content-type": "application/json" },
      body: JSON.stringify({
        action: "merge",
        inputs: [{ id: "hat-1", data: { metadata: { by: "hand" } } }],
      }),
    });
    expect(((await response.json()) as { status: { code: number } }).status.code).toBe(10000);
    const edited = (await live(app)).find((i) => i.id === "hat-1");

    const apply = await cli(app, cwd, "apply", "plan.json", "--yes");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/^error: the plan is stale\b.*hat-1/m);
    expect((await live(app)).find((i) => i.id === "hat-1")).toEqual(edited);
  });

  it("validate and plan given a saved plan, or a folder, say what to run instead", async () => {
    const app = "not-a-manifest";
    const cwd = dirs.catalog();
    expect((await cli(app, cwd, "plan", "dataset.yaml", "--out", "plan.json")).code).toBe(0);
    for (const command of ["validate", "plan"]) {
      const r = await cli(app, cwd, command, "plan.json");
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        "error: plan.json: this is a saved plan; apply it with: dataset apply plan.json\n",
      );
    }
    rmSync(join(cwd, "other-team.yaml")); // leave one manifest in the folder to suggest
    const folder = basename(cwd);
    const planFolder = await cli(app, dirname(cwd), "plan", folder);
    expect(planFolder.code).toBe(1);
    expect(planFolder.stderr).toBe(
      `error: ${folder} is a directory, not a manifest\n` +
        `hint: the manifest inside it is ${folder}/dataset.yaml: dataset plan ${folder}/dataset.yaml\n`,
    );
    const apply = await cli(app, dirname(cwd), "apply", folder);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      new RegExp(`^error: ${folder} is a directory, not a manifest or a plan$`, "m"),
    );
    expect(await live(app)).toEqual([]);
  });
});
