/**
 * The GitHub Actions recipes in examples/github-actions: their YAML parses and has the structure
 * the README promises, the `npx dataset …` commands their `run:` steps hold work against an
 * emulator (with `npx dataset` replaced by the built CLI), and the plan workflow's comment script
 * updates its own comment instead of adding one.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { EXAMPLES, editFile, useEmulatorProcess } from "./helpers.js";

const USER = "e2e-user";
const PAT = "e2e-actions-token";

const { dirs, emulator } = useEmulatorProcess({ prefix: "actions", pat: PAT, userId: USER });

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is checked field by field below
type Workflow = any;
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

function loadWorkflow(file: string): Workflow {
  const text = readFileSync(join(EXAMPLES, "github-actions", file), "utf8");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  expect(doc.errors.map(String), file).toEqual([]);
  expect(doc.warnings.map(String), file).toEqual([]);
  return doc.toJS();
}

const plan = loadWorkflow("dataset-plan.yml");
const apply = loadWorkflow("dataset-apply.yml");
const drift = loadWorkflow("dataset-drift.yml");

/** Every step of every job. */
function stepsOf(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs as Record<string, { steps: Step[] }>).flatMap(
    (job) => job.steps,
  );
}

/** The `run:` scripts that call the CLI. */
function datasetRuns(workflow: Workflow): string[] {
  return stepsOf(workflow)
    .map((s) => s.run)
    .filter((run): run is string => run?.includes("npx dataset") === true);
}

describe("the workflow files", () => {
  it.each([
    ["dataset-plan.yml", plan],
    ["dataset-apply.yml", apply],
    ["dataset-drift.yml", drift],
  ])("%s is a well-formed workflow", (_file, workflow) => {
    expect(typeof workflow.name).toBe("string");
    expect(workflow.on).toBeTypeOf("object");
    expect(workflow.env.MANIFEST).toBeTypeOf("string");
    // A missing secret must fail loudly, not fall back to the embedded local app: the recipes
    // name the real API explicitly.
    expect(workflow.env.CLARIFAI_API_BASE).toBe("https://api.clarifai.com");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(workflow.env.CLARIFAI_PAT).toBe("${{ secrets.CLARIFAI_PAT }}");
    const jobs = Object.values(
      workflow.jobs as Record<string, { "runs-on": string; steps: Step[] }>,
    );
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job["runs-on"]).toBeTypeOf("string");
      expect(job.steps.length).toBeGreaterThan(0);
      for (const step of job.steps)
        expect((step.uses === undefined) !== (step.run === undefined)).toBe(true);
    }
    for (const step of stepsOf(workflow)) {
      if (step.uses !== undefined) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
      // Expressions inside scripts invite injection; the recipes pass values through env vars.
      if (step.run !== undefined) expect(step.run).not.toContain("${{");
    }
    expect(datasetRuns(workflow).length).toBeGreaterThan(0);
  });

  it("plan runs on pull requests that touch the manifest and posts markdown", () => {
    expect(Object.keys(plan.on)).toEqual(["pull_request"]);
    const paths: string[] = plan.on.pull_request.paths;
    expect(paths).toContain(plan.env.MANIFEST);
    expect(plan.permissions["pull-requests"]).toBe("write");
    expect(datasetRuns(plan).some((run) => /plan "\$MANIFEST" .*--format markdown/.test(run))).toBe(
      true,
    );
    const script = stepsOf(plan).find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(script?.with?.script).toBeTypeOf("string");
  });

  it("apply runs on pushes to main, with --yes, one at a time per app", () => {
    expect(apply.on.push.branches).toEqual(["main"]);
    // The same files trigger the plan on the PR and the apply on merge.
    expect(apply.on.push.paths).toEqual(plan.on.pull_request.paths);
    expect(apply.concurrency.group).toMatch(/\S/);
    expect(apply.concurrency["cancel-in-progress"]).toBe(false);
    expect(datasetRuns(apply).some((run) => /apply "\$MANIFEST" .*--yes/.test(run))).toBe(true);
  });

  it("drift runs on a schedule with --detailed-exitcode", () => {
    expect(drift.on.schedule[0].cron.split(" ")).toHaveLength(5);
    expect(
      datasetRuns(drift).some((run) => /plan "\$MANIFEST" .*--detailed-exitcode/.test(run)),
    ).toBe(true);
  });
});

describe("the plan workflow's comment script", () => {
  const script = stepsOf(plan).find((s) => s.uses?.startsWith("actions/github-script@"))?.with
    ?.script as string;
  const BODY = "<!-- dataset-plan: catalog -->\n## Plan: 1 to create\n";

  /** Runs the script as actions/github-script does, over a fake GitHub holding `comments`. */
  async function runScript(comments: { id: number; user: { type: string }; body: string }[]) {
    const dir = dirs.make();
    writeFileSync(join(dir, "plan.md"), BODY);
    const calls: { method: string; params: Record<string, unknown> }[] = [];
    const record = (method: string) => async (params: Record<string, unknown>) => {
      calls.push({ method, params });
      return { data: method === "listComments" ? comments : {} };
    };
    const rest = {
      issues: {
        listComments: record("listComments"),
        updateComment: record("updateComment"),
        createComment: record("createComment"),
      },
    };
    const github = {
      rest,
      paginate: async (
        fn: (p: Record<string, unknown>) => Promise<{ data: unknown }>,
        params: Record<string, unknown>,
      ) => (await fn(params)).data,
    };
    const context = { repo: { owner: "acme", repo: "data" }, issue: { number: 7 } };
    const fakeRequire = (name: string) => {
      if (name !== "fs") throw new Error(`unexpected require(${name})`);
      return {
        readFileSync: (path: string, enc: BufferEncoding) => readFileSync(join(dir, path), enc),
      };
    };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction("require", "github", "context", script)(fakeRequire, github, context);
    return calls.filter((c) => c.method !== "listComments");
  }

  it("creates a comment when the PR has none of its own", async () => {
    const calls = await runScript([
      { id: 1, user: { type: "User" }, body: "LGTM" },
      { id: 2, user: { type: "User" }, body: "<!-- dataset-plan: catalog --> quoted by a person" },
      { id: 3, user: { type: "Bot" }, body: "<!-- dataset-plan: other-team -->\nanother manifest" },
    ]);
    expect(calls).toEqual([
      {
        method: "createComment",
        params: { owner: "acme", repo: "data", issue_number: 7, body: BODY },
      },
    ]);
  });

  it("updates its own comment, found by the marker, instead of adding one", async () => {
    const calls = await runScript([
      { id: 1, user: { type: "User" }, body: "LGTM" },
      { id: 4, user: { type: "Bot" }, body: "<!-- dataset-plan: catalog -->\nthe old plan" },
    ]);
    expect(calls).toEqual([
      {
        method: "updateComment",
        params: { owner: "acme", repo: "data", comment_id: 4, body: BODY },
      },
    ]);
  });
});

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a workflow's `run:` script as the runner would (`bash -e`), in `cwd`, with the workflow's
 * env (secrets and vars filled in for `appId` on the emulator) and `npx dataset` replaced by the
 * built CLI.
 */
function runStep(
  workflow: Workflow,
  script: string,
  options: { cwd: string; appId: string; pat?: string },
): Promise<StepResult> {
  const filled: Record<string, string> = {
    "${{ secrets.CLARIFAI_PAT }}": options.pat ?? PAT,
    "${{ vars.CLARIFAI_USER_ID }}": USER,
    "${{ vars.CLARIFAI_APP_ID }}": options.appId,
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(workflow.env as Record<string, string>)) {
    env[key] = filled[value] ?? value;
  }
  env.CLARIFAI_API_BASE = emulator().url;
  env.GITHUB_STEP_SUMMARY = join(options.cwd, "step-summary.md");
  const local = script.replaceAll("npx dataset", `node "${BIN}"`);
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-e", "-c", local], {
      cwd: options.cwd,
      env: cleanEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs every `npx dataset` script of `workflow` in order; stops at the first failure. */
async function runWorkflow(
  workflow: Workflow,
  options: { cwd: string; appId: string; pat?: string },
): Promise<StepResult> {
  let last: StepResult = { code: 0, stdout: "", stderr: "" };
  for (const script of datasetRuns(workflow)) {
    last = await runStep(workflow, script, options);
    if (last.code !== 0) break;
  }
  return last;
}

describe("the workflows' commands against the emulator", () => {
  it("plan on a PR → 0 with a markdown comment, apply on merge → 0, drift → 0, then 2 after a manifest change", async () => {
    const cwd = dirs.catalog();
    const appId = "actions";
    expect(plan.env.MANIFEST).toBe("dataset.yaml"); // the catalog fixture's manifest has that name

    const planned = await runWorkflow(plan, { cwd, appId });
    expect(planned.code, planned.stderr).toBe(0);
    const markdown = readFileSync(join(cwd, "plan.md"), "utf8");
    expect(markdown.startsWith("<!-- dataset-plan: catalog -->")).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, "plan.json"), "utf8")).summary.create).toBe(6);

    const applied = await runWorkflow(apply, { cwd, appId });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/^Apply complete: 6 created\b/m);

    const quiet = await runWorkflow(drift, { cwd, appId });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^No changes\./m);
    expect(quiet.stdout).not.toContain("::error");

    editFile(join(cwd, "dataset.yaml"), (t) =>
      t.replace("concepts: [hat]", "concepts: [hat, cap]"),
    );
    const drifted = await runWorkflow(drift, { cwd, appId });
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toMatch(/^::error title=Drift::/m);
    expect(readFileSync(join(cwd, "step-summary.md"), "utf8")).toContain("### Drift detected");

    // A PR with changes still plans successfully (the plan is the review, not a failure).
    const replanned = await runWorkflow(plan, { cwd, appId });
    expect(replanned.code, replanned.stderr).toBe(0);
    expect(readFileSync(join(cwd, "plan.md"), "utf8")).toContain("hat-1");
  });

  it("a drift check that cannot read the app fails with 1, not as drift", async () => {
    const cwd = dirs.catalog();
    const r = await runWorkflow(drift, { cwd, appId: "actions-denied", pat: "not-the-token" });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("::error title=Drift::");
    expect(r.stderr).toMatch(/^error: /m);
  });

  it("a missing secret fails the job instead of using the embedded local app", async () => {
    const cwd = dirs.catalog();
    // A secret that is not set evaluates to "" in GitHub Actions; CLARIFAI_API_BASE is the recipe's.
    const script = datasetRuns(apply)[0] ?? "";
    const env: Record<string, string> = {
      ...apply.env,
      CLARIFAI_PAT: "",
      CLARIFAI_USER_ID: USER,
      CLARIFAI_APP_ID: "x",
    };
    const child = spawn("bash", ["-e", "-c", script.replaceAll("npx dataset", `node "${BIN}"`)], {
      cwd,
      env: cleanEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: no personal access token/m);
    expect(stderr).not.toMatch(/embedded local app/);
  });
});
