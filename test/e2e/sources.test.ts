/**
 * Sources end to end: for a folder, a CSV and a JSONL source, the built CLI validates, plans and
 * applies against a `dataset emulator` process, and the plan after the apply says `No changes`.
 */
import { cpSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tinyPng } from "../helpers/images.js";
import { changeLine, EXAMPLES, STACK_FRAME, useEmulatorProcess } from "./helpers.js";

const USER = "e2e-user";
const { dirs, cli, live } = useEmulatorProcess({
  prefix: "sources",
  pat: "e2e-sources-token",
  userId: USER,
});

/** validate → plan → apply → plan, asserting each step; returns the first plan's text. */
async function loop(app: string, cwd: string, expected: number): Promise<string> {
  const validate = await cli(app, cwd, "validate", "dataset.yaml");
  expect(validate.code, validate.stderr).toBe(0);
  expect(validate.stdout).toContain(`valid: ${expected} inputs`);
  const plan = await cli(app, cwd, "plan", "dataset.yaml");
  expect(plan.code, plan.stderr).toBe(0);
  expect(plan.stdout).toContain(`Plan: ${expected} to create, 0 to update`);
  const apply = await cli(app, cwd, "apply", "dataset.yaml", "--yes");
  expect(apply.code, apply.stderr).toBe(0);
  expect(apply.stdout).toContain(`Apply complete: ${expected} created`);
  const again = await cli(app, cwd, "plan", "dataset.yaml");
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toContain(`No changes. The app matches the manifest (${expected} inputs).`);
  return plan.stdout;
}

describe("sources, end to end", () => {
  it("a folder: content-hash ids, class folders as concepts, origins in the plan; a moved file is an update", async () => {
    const app = "folder";
    const cwd = dirs.make();
    cpSync(join(EXAMPLES, "photos"), join(cwd, "photos"), { recursive: true });
    writeFileSync(
      join(cwd, "dataset.yaml"),
      "version: 1\nname: folder\nsources:\n  - folder: photos\n",
    );
    const plan = await loop(app, cwd, 4);
    expect(plan).toMatch(/^\s*\+ create\s+[0-9a-f]{40} \(from photos\/cat\/tabby\.png\)$/m);
    const inputs = await live(app);
    expect(inputs.map((input) => input.concepts.join(",")).sort()).toEqual([
      "cat=1",
      "cat=1",
      "dog=1",
      "dog=1",
    ]);

    // Moving a file to another class folder changes its concept, not its id.
    cpSync(join(cwd, "photos/cat/tabby.png"), join(cwd, "photos/dog/tabby.png"));
    rmSync(join(cwd, "photos/cat/tabby.png"));
    const moved = await cli(app, cwd, "plan", "dataset.yaml");
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(
      /~ update\s+[0-9a-f]{40} \(concepts\) \(from photos\/dog\/tabby\.png\)/,
    );
    expect(moved.stdout).toContain("Plan: 0 to create, 1 to update, 0 to replace, 0 to delete.");
  });

  it("a CSV: rows with files, concepts and typed metadata; a bad row is located by line and column", async () => {
    const app = "csv";
    const cwd = dirs.make();
    writeFileSync(join(cwd, "a.png"), tinyPng(1));
    writeFileSync(join(cwd, "b.png"), tinyPng(2));
    writeFileSync(
      join(cwd, "dataset.yaml"),
      "version: 1\nname: csv\nsources:\n  - csv: labels.csv\n    columns: { id: id, file: path, concepts: labels, metadata: { size: number, __proto__: json } }\n",
    );
    writeFileSync(
      join(cwd, "labels.csv"),
      'id,path,labels,size,__proto__\nrow-a,a.png,red;square,1.5,"{""kept"":true}"\nrow-b,b.png,blue,,\nrow-c,https://img.example.com/c.jpg,,,\n',
    );
    const bad = await cli(app, cwd, "validate", "dataset.yaml");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "labels.csv:4: path: file not found: https:/img.example.com/c.jpg",
    );
    expect(bad.stderr).not.toMatch(STACK_FRAME);

    writeFileSync(
      join(cwd, "labels.csv"),
      'id,path,labels,size,__proto__\nrow-a,a.png,red;square,1.5,"{""kept"":true}"\nrow-b,b.png,blue,,\n',
    );
    const json = await cli(app, cwd, "plan", "dataset.yaml", "--format", "json");
    expect(json.code, json.stderr).toBe(0);
    const planned = JSON.parse(json.stdout);
    expect(planned.changes[0]).toMatchObject({ id: "row-a", origin: "labels.csv:2" });
    expect(JSON.stringify(planned.changes[0].after.data.metadata)).toContain(
      '"__proto__":{"kept":true}',
    );
    const plan = await loop(app, cwd, 2);
    expect(plan).toMatch(changeLine("+", "create", "row-b"));
    expect(plan).toContain("+ create   row-b (from labels.csv:3)");
    const [a] = (await live(app)).filter((input) => input.id === "row-a");
    expect(a?.concepts).toEqual(["red=1", "square=1"]);
    expect(a?.metadata).toMatchObject({ size: 1.5 });
    expect(JSON.stringify(a?.metadata)).toContain('"__proto__":{"kept":true}');
  });

  it("a JSONL file: one input per line, validated like YAML inputs", async () => {
    const app = "jsonl";
    const cwd = dirs.make();
    writeFileSync(join(cwd, "pic.png"), tinyPng(3));
    writeFileSync(
      join(cwd, "dataset.yaml"),
      "version: 1\nname: jsonl\ndefaults:\n  metadata: { team: vision }\nsources:\n  - jsonl: inputs.jsonl\n",
    );
    writeFileSync(
      join(cwd, "inputs.jsonl"),
      [
        '{"id":"j1","url":"https://img.example.com/j1.jpg","concepts":[{"id":"cat","value":true}]}',
        '{"id":"j2","file":"pic.png","metadata":{"n":1}}',
        '{"id":"j3","url":"https://img.example.com/j3.jpg","concepts":[{"id":"x","value":7}]}',
        "",
      ].join("\n"),
    );
    const bad = await cli(app, cwd, "plan", "dataset.yaml");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("inputs.jsonl:3: concepts[0].value: must be 0 or 1");

    writeFileSync(
      join(cwd, "inputs.jsonl"),
      [
        '{"id":"j1","url":"https://img.example.com/j1.jpg","concepts":[{"id":"cat","value":true}]}',
        '{"id":"j2","file":"pic.png","metadata":{"n":1}}',
        "",
      ].join("\n"),
    );
    const plan = await loop(app, cwd, 2);
    expect(plan).toContain("+ create   j2 (from inputs.jsonl:2)");
    const inputs = await live(app);
    expect(inputs.find((input) => input.id === "j1")?.concepts).toEqual(["cat=1"]);
    expect(inputs.find((input) => input.id === "j2")?.metadata).toMatchObject({
      team: "vision",
      n: 1,
    });
  });

  it("examples/sources.yaml, the README's walk-through, applies and converges", async () => {
    const app = "examples";
    const cwd = dirs.make();
    cpSync(EXAMPLES, join(cwd, "examples"), { recursive: true });
    for (const file of ["cat/tabby.png", "cat/black.png", "dog/corgi.png", "dog/husky.png"]) {
      const old = new Date("2024-01-01T00:00:00Z");
      utimesSync(join(cwd, "examples/photos", file), old, old);
    }
    const apply = await cli(app, cwd, "apply", "examples/sources.yaml", "--yes");
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain("Apply complete: 8 created");
    const plan = await cli(app, cwd, "plan", "examples/sources.yaml");
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("No changes. The app matches the manifest (8 inputs).");
  });
});
