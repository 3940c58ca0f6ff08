import { createHash } from "node:crypto";
/**
 * `dataset export` and `dataset status` through the built CLI against a `dataset emulator`
 * process, and against the embedded local app: the round trip export → plan → apply → plan says
 * `No changes`, with URL, value-0, metadata, duplicate-URL and byte-upload inputs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/cli.js";
import { FIXTURES, STACK_FRAME, useEmulatorProcess } from "./helpers.js";

const USER = "e2e-user";
const PAT = "e2e-export-token";
const { dirs, emulator, cli } = useEmulatorProcess({ prefix: "export", pat: PAT, userId: USER });
const RED_PNG = readFileSync(join(FIXTURES, "catalog/images/red.png"));

/** Creates inputs the way another tool would (no ownership marker), over HTTP. */
async function seed(app: string, inputs: unknown[]): Promise<void> {
  const response = await fetch(`${emulator().url}/v2/users/${USER}/apps/${app}/inputs`, {
    method: "POST",
    headers: { authorization: `Key ${PAT}`, "content-type": "application/json" },
    body: JSON.stringify({ inputs }),
  });
  const body = (await response.json()) as { status: { code: number } };
  expect(body.status.code).toBe(10000);
}

/** Runs `status --format json` until nothing is pending; returns its counts. */
async function settled(app: string, cwd: string): Promise<Record<string, number>> {
  for (;;) {
    const r = await cli(app, cwd, "status", "--format", "json");
    expect(r.code, r.stderr).toBe(0);
    const { counts } = JSON.parse(r.stdout);
    if (counts.to_process + counts.processing === 0) return counts;
  }
}

const img = (n: string) => `https://images.example.com/${n}.jpg`;

describe("export round trip", () => {
  it("export → plan changes no data → apply → plan says No changes; status agrees", async () => {
    const app = "roundtrip";
    const cwd = dirs.make();
    await seed(app, [
      {
        id: "shoe-1",
        data: {
          image: { url: img("shoe") },
          concepts: [
            { id: "shoe", value: 1 },
            { id: "boot", value: 0 },
          ],
          metadata: { sku: "0001", price: 12.5, tags: ["summer"], dims: { w: 2, h: 1 } },
        },
      },
      { id: "shoe-1-copy", data: { image: { url: img("shoe"), allow_duplicate_url: true } } },
      { id: "hat-1", data: { image: { url: img("hat") }, concepts: [{ id: "hat", value: 1 }] } },
      { id: "swatch", data: { image: { base64: RED_PNG.toString("base64") } } },
    ]);
    expect(await settled(app, cwd)).toMatchObject({ processed: 4, errors: 0 });

    const exported = await cli(app, cwd, "export", "--name", "team");
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim()).toBe(
      `Exported 3 inputs of 4 from users/${USER}/apps/${app} to dataset.yaml.`,
    );
    expect(exported.stderr).toContain("warning: left out 1 input uploaded as bytes (swatch)");
    expect(exported.stderr).toContain("export with --download DIR");
    expect(exported.stderr).not.toContain(PAT);
    const manifest = parse(readFileSync(join(cwd, "dataset.yaml"), "utf8"));
    expect(manifest.inputs.map((i: { id: string }) => i.id)).toEqual([
      "hat-1",
      "shoe-1",
      "shoe-1-copy",
    ]);
    expect(manifest.inputs[1]).toEqual({
      id: "shoe-1",
      url: img("shoe"),
      concepts: [{ id: "boot", value: 0 }, "shoe"],
      metadata: { dims: { h: 1, w: 2 }, price: 12.5, sku: "0001", tags: ["summer"] },
      allow_duplicate_url: true,
    });
    expect(manifest.inputs[2]).toEqual({
      id: "shoe-1-copy",
      url: img("shoe"),
      allow_duplicate_url: true,
    });

    const validated = await cli(app, cwd, "validate", "dataset.yaml");
    expect(validated.stdout.trim()).toBe("valid: 3 inputs (1 manifest file)");

    const planned = await cli(app, cwd, "plan", "dataset.yaml", "--format", "json");
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(plan.summary).toMatchObject({ create: 0, replace: 0, recreate: 0, delete: 0 });
    expect(plan.summary.unmanaged).toBe(1); // the byte upload, left out
    expect(plan.changes).toHaveLength(3);
    for (const change of plan.changes) {
      expect(change.action).toBe("adopt");
    }

    const applied = await cli(app, cwd, "apply", "dataset.yaml", "--yes");
    expect(applied.code, applied.stderr).toBe(0);
    const again = await cli(app, cwd, "plan", "dataset.yaml");
    expect(again.stdout).toContain("No changes. The app matches the manifest (3 inputs).");

    const status = await cli(app, cwd, "status", "dataset.yaml", "--detailed-exitcode");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("3 declared: 3 indexed, 0 pending, 0 failed, 0 missing.");
    expect(status.stdout).toContain(
      "0 owned by team (`plan --prune` would delete them), 1 unmanaged.",
    );
    expect(status.stdout).toContain("Every declared input is present and indexed.");

    // A re-export now that the inputs are team's is the same manifest but for its header line.
    const reexported = await cli(app, cwd, "export", "--name", "team", "--out", "again.yaml");
    expect(reexported.code, reexported.stderr).toBe(0);
    const body = (file: string) => readFileSync(join(cwd, file), "utf8").replace(/^#.*\n/, "");
    expect(body("again.yaml")).toBe(body("dataset.yaml"));

    // --download: the emulator answers byte uploads with a hosted URL it serves (as the API
    // does); the image is saved named by its sha256 and declared as a file. The planner hashes
    // that unmarked byte upload's bytes, so it is adopted, not re-uploaded.
    const downloaded = await cli(
      app,
      cwd,
      "export",
      "--name",
      "team",
      "--out",
      "dl/dataset.yaml",
      "--download",
      "dl/images",
    );
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(downloaded.stderr).not.toContain("warning");
    expect(downloaded.stderr).not.toContain(PAT);
    const sha = createHash("sha256").update(RED_PNG).digest("hex");
    expect(readFileSync(join(cwd, "dl/images", `${sha}.png`))).toEqual(RED_PNG);
    const dlManifest = parse(readFileSync(join(cwd, "dl/dataset.yaml"), "utf8"));
    expect(dlManifest.inputs.find((i: { id: string }) => i.id === "swatch")).toEqual({
      id: "swatch",
      file: `images/${sha}.png`,
    });
    const dlPlan = await cli(app, cwd, "plan", "dl/dataset.yaml", "--format", "json");
    expect(dlPlan.code, dlPlan.stderr).toBe(0);
    const dl = JSON.parse(dlPlan.stdout);
    expect(dl.summary).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0, adopt: 1 });
    expect(dl.changes.map((c: { id: string; action: string }) => [c.action, c.id])).toEqual([
      ["adopt", "swatch"],
    ]);
    const dlApplied = await cli(app, cwd, "apply", "dl/dataset.yaml", "--yes");
    expect(dlApplied.code, dlApplied.stderr).toBe(0);
    const dlAgain = await cli(app, cwd, "plan", "dl/dataset.yaml");
    expect(dlAgain.stdout).toContain("No changes. The app matches the manifest (4 inputs).");
  });

  it("exports to JSONL beside a root manifest that references it", async () => {
    const app = "jsonl";
    const cwd = dirs.make();
    await seed(app, [{ id: "a", data: { image: { url: img("a") }, metadata: { k: 1 } } }]);
    const r = await cli(app, cwd, "export", "--format", "jsonl", "--out", "inputs.yaml");
    expect(r.code, r.stderr).toBe(0);
    expect(parse(readFileSync(join(cwd, "inputs.yaml"), "utf8"))).toMatchObject({
      name: "jsonl",
      sources: [{ jsonl: "inputs.jsonl" }],
    });
    expect(readFileSync(join(cwd, "inputs.jsonl"), "utf8")).toBe(
      `{"id":"a","url":"${img("a")}","metadata":{"k":1}}\n`,
    );
  });

  it("says what is wrong with bad flags in one line, exit 1, no stack", async () => {
    const cwd = dirs.make();
    const r = await cli("x", cwd, "export", "--all", "--unowned");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: --owned-by, --unowned and --all exclude each other");
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const s = await cli("x", cwd, "status", "--format", "xml");
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/--format.*xml/);
  });
});

describe("the embedded local app", () => {
  it("exports what apply --local wrote, and plan --local of the export has no changes", async () => {
    const cwd = dirs.catalog();
    const run = (...args: string[]) => runCli(args, { cwd });
    expect((await run("apply", "dataset.yaml", "--yes", "--local")).code).toBe(0);
    const status = await run("status", "dataset.yaml", "--local", "--detailed-exitcode");
    expect(status.stdout).toContain("6 declared: 6 indexed, 0 pending, 0 failed, 0 missing.");
    expect(status.stderr).toContain("Using the embedded local app in .dataset/local.");

    const exported = await run("export", "--local", "--name", "catalog", "--out", "exported.yaml");
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain("left out 1 input uploaded as bytes (red-swatch)");
    const plan = await run("plan", "exported.yaml", "--local");
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("No changes. The app matches the manifest (5 inputs).");
  });
});
