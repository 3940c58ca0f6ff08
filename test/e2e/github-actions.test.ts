/**
 * The GitHub Actions recipes in examples/github-actions: their YAML parses and has the structure
 * the README promises, the `npx --no dataset …` commands their `run:` steps hold work against an
 * emulator (run here with the repository's build; test/e2e/package.test.ts runs them with the
 * packed package installed), and the plan workflow's comment script updates its own comment
 * (with the plan, or with the error when planning failed) instead of adding one.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { editFile, useEmulatorProcess } from "./helpers.js";
import {
  CLI_CALL,
  datasetRuns,
  loadWorkflow,
  runStep,
  runWorkflow,
  type Step,
  stepsOf,
  type Workflow,
  workflowEnv,
} from "./workflows.js";

const USER = "e2e-user";
const PAT = "e2e-actions-token";

const { dirs, emulator } = useEmulatorProcess({ prefix: "actions", pat: PAT, userId: USER });

const plan = loadWorkflow("dataset-plan.yml");
const apply = loadWorkflow("dataset-apply.yml");
const drift = loadWorkflow("dataset-drift.yml");

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

  it.each([
    ["dataset-plan.yml", plan],
    ["dataset-apply.yml", apply],
    ["dataset-drift.yml", drift],
  ])(
    "%s checks out LFS files, installs with npm ci, and runs only the installed CLI",
    (_file, workflow) => {
      const steps = stepsOf(workflow);
      const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkouts.length).toBeGreaterThan(0);
      for (const checkout of checkouts) expect(checkout.with?.lfs).toBe(true);
      expect(steps.some((s) => s.run === "npm ci")).toBe(true);
      for (const step of steps) {
        // `npx dataset` (without --no) would download an unrelated package where ours is missing.
        for (const call of step.run?.match(/\b(npx|npm exec)\b[^\n]*/g) ?? []) {
          expect(call.startsWith(`${CLI_CALL} `), call).toBe(true);
        }
      }
    },
  );

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
    // The comment is also posted when the plan failed (so it never shows a stale plan), but not
    // after a cancel (the newer run posts).
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(script?.if).toBe("${{ !cancelled() }}");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(script?.env?.PLAN_OUTCOME).toBe("${{ steps.plan.outcome }}");
  });

  it("plan: one run per pull request, a newer push cancels the older one", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(plan.concurrency.group).toContain("${{ github.event.pull_request.number }}");
    expect(plan.concurrency["cancel-in-progress"]).toBe(true);
    // Not the apply's group: a plan never waits for or cancels an apply.
    expect(plan.concurrency.group).not.toBe(apply.concurrency.group);
  });

  it("plan: pull requests from forks skip the plan job and get a note saying why", () => {
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    expect(plan.jobs.plan.if).toBe(sameRepo);
    const forkJobs = Object.entries(plan.jobs as Record<string, { if?: string; steps: Step[] }>)
      .filter(([, job]) => job.if === sameRepo.replace("==", "!="))
      .map(([, job]) => job);
    expect(forkJobs).toHaveLength(1);
    const note = forkJobs[0]?.steps.map((s) => s.run ?? "").join("\n") ?? "";
    expect(note).toMatch(/::notice title=dataset plan skipped::/);
    expect(note).toMatch(/fork/);
    expect(note).toContain("$GITHUB_STEP_SUMMARY");
    expect(JSON.stringify(plan.on)).not.toContain("pull_request_target");
  });

  it("apply runs on pushes to main, with --yes, one at a time per app, in the production environment", () => {
    expect(apply.on.push.branches).toEqual(["main"]);
    // The same files trigger the plan on the PR and the apply on merge.
    expect(apply.on.push.paths).toEqual(plan.on.pull_request.paths);
    expect(apply.concurrency.group).toMatch(/\S/);
    expect(apply.concurrency["cancel-in-progress"]).toBe(false);
    expect(apply.jobs.apply.environment).toBe("production");
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
  const step = stepsOf(plan).find((s) => s.uses?.startsWith("actions/github-script@"));
  const script = step?.with?.script as string;
  const MARKER = "<!-- dataset-plan-comment: dataset.yaml -->";
  const PLAN = "<!-- dataset-plan: catalog -->\n## Plan: 1 to create\n";

  /**
   * Runs the script as actions/github-script does, in a dir holding `files`, over a fake GitHub
   * holding `comments`, with the step's env (`PLAN_OUTCOME`) and the workflow's.
   */
  async function runScript(options: {
    outcome: "success" | "failure" | "skipped";
    files: Record<string, string>;
    comments: { id: number; user: { type: string }; body: string }[];
  }) {
    const dir = dirs.make();
    for (const [name, text] of Object.entries(options.files)) writeFileSync(join(dir, name), text);
    const calls: { method: string; params: Record<string, unknown> }[] = [];
    const record = (method: string) => async (params: Record<string, unknown>) => {
      calls.push({ method, params });
      return { data: method === "listComments" ? options.comments : {} };
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
        existsSync: (path: string) => path in options.files,
      };
    };
    const fakeProcess = { env: { MANIFEST: plan.env.MANIFEST, PLAN_OUTCOME: options.outcome } };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction("require", "github", "context", "process", script)(
      fakeRequire,
      github,
      context,
      fakeProcess,
    );
    return calls.filter((c) => c.method !== "listComments");
  }

  it("creates a comment when the PR has none of its own", async () => {
    const calls = await runScript({
      outcome: "success",
      files: { "plan.md": PLAN },
      comments: [
        { id: 1, user: { type: "User" }, body: "LGTM" },
        { id: 2, user: { type: "User" }, body: `${MARKER} quoted by a person` },
        {
          id: 3,
          user: { type: "Bot" },
          body: "<!-- dataset-plan-comment: other/dataset.yaml -->\nanother manifest",
        },
      ],
    });
    expect(calls).toEqual([
      {
        method: "createComment",
        params: { owner: "acme", repo: "data", issue_number: 7, body: `${MARKER}\n${PLAN}` },
      },
    ]);
  });

  it("updates its own comment, found by the marker, instead of adding one", async () => {
    const calls = await runScript({
      outcome: "success",
      files: { "plan.md": PLAN },
      comments: [
        { id: 1, user: { type: "User" }, body: "LGTM" },
        { id: 4, user: { type: "Bot" }, body: `${MARKER}\nthe old plan` },
      ],
    });
    expect(calls).toEqual([
      {
        method: "updateComment",
        params: { owner: "acme", repo: "data", comment_id: 4, body: `${MARKER}\n${PLAN}` },
      },
    ]);
  });

  it("a failed plan replaces the old plan in its comment with the error", async () => {
    const error = "dataset.yaml:3:7: inputs[0].url: must be an http(s) URL\n";
    const calls = await runScript({
      outcome: "failure",
      // A plan.md left from nothing (the failed step wrote an empty one) must not be posted.
      files: { "plan.md": "", "plan-error.txt": error },
      comments: [{ id: 4, user: { type: "Bot" }, body: `${MARKER}\n${PLAN}` }],
    });
    expect(calls.map((c) => [c.method, c.params.comment_id])).toEqual([["updateComment", 4]]);
    const body = String(calls[0]?.params.body);
    expect(body.startsWith(`${MARKER}\n### dataset plan failed for \`dataset.yaml\``)).toBe(true);
    expect(body).toContain(`\`\`\`\n${error.trim()}\n\`\`\``);
    expect(body).not.toContain("Plan: 1 to create");
  });

  it("a plan that never ran (an earlier step failed) also replaces the old plan", async () => {
    const calls = await runScript({
      outcome: "skipped",
      files: {},
      comments: [{ id: 4, user: { type: "Bot" }, body: `${MARKER}\n${PLAN}` }],
    });
    expect(calls).toHaveLength(1);
    expect(String(calls[0]?.params.body)).toMatch(/An earlier step failed before the plan ran/);
  });
});

describe("the workflows' commands against the emulator", () => {
  const env = (workflow: Workflow, cwd: string, appId: string, pat = PAT) =>
    workflowEnv(workflow, { apiBase: emulator().url, pat, userId: USER, appId, cwd });
  const runCliSteps = (workflow: Workflow, cwd: string, appId: string, pat?: string) =>
    runWorkflow(workflow, {
      cwd,
      env: env(workflow, cwd, appId, pat),
      cli: "repo-build",
    });

  it("plan on a PR → 0 with a markdown comment, apply on merge → 0, drift → 0, then 2 after a manifest change", async () => {
    const cwd = dirs.catalog();
    const appId = "actions";
    expect(plan.env.MANIFEST).toBe("dataset.yaml"); // the catalog fixture's manifest has that name

    const planned = await runCliSteps(plan, cwd, appId);
    expect(planned.code, planned.stderr).toBe(0);
    const markdown = readFileSync(join(cwd, "plan.md"), "utf8");
    expect(markdown.startsWith("<!-- dataset-plan: catalog -->")).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, "plan.json"), "utf8")).summary.create).toBe(6);

    const applied = await runCliSteps(apply, cwd, appId);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/^Apply complete: 6 created\b/m);

    const quiet = await runCliSteps(drift, cwd, appId);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^No changes\./m);
    expect(quiet.stdout).not.toContain("::error");

    editFile(join(cwd, "dataset.yaml"), (t) =>
      t.replace("concepts: [hat]", "concepts: [hat, cap]"),
    );
    const drifted = await runCliSteps(drift, cwd, appId);
    expect(drifted.code).toBe(2);
    expect(drifted.stdout).toMatch(/^::error title=Drift::/m);
    expect(readFileSync(join(cwd, "step-summary.md"), "utf8")).toContain("### Drift detected");

    // A PR with changes still plans successfully (the plan is the review, not a failure).
    const replanned = await runCliSteps(plan, cwd, appId);
    expect(replanned.code, replanned.stderr).toBe(0);
    expect(readFileSync(join(cwd, "plan.md"), "utf8")).toContain("hat-1");
  });

  it("a plan step that fails exits 1 and leaves the error for the comment, located", async () => {
    const cwd = dirs.catalog();
    editFile(join(cwd, "dataset.yaml"), (t) =>
      t.replace(
        "url: https://images.example.com/shoe-1.jpg",
        "url: ftp://images.example.com/shoe-1.jpg",
      ),
    );
    const r = await runCliSteps(plan, cwd, "actions-broken");
    expect(r.code).toBe(1);
    const error = readFileSync(join(cwd, "plan-error.txt"), "utf8");
    expect(error).toMatch(/^dataset\.yaml:\d+:\d+: inputs\[0\]\.url: /m);
    // The runner's log shows it too.
    expect(r.stderr).toContain(error.trim());
  });

  it("a drift check that cannot read the app fails with 1, not as drift", async () => {
    const cwd = dirs.catalog();
    const r = await runCliSteps(drift, cwd, "actions-denied", "not-the-token");
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("::error title=Drift::");
    expect(r.stderr).toMatch(/^error: /m);
  });

  it("a missing secret fails the job instead of using the embedded local app", async () => {
    const cwd = dirs.catalog();
    // A secret that is not set evaluates to "" in GitHub Actions; CLARIFAI_API_BASE is the recipe's.
    const script = datasetRuns(apply)[0] ?? "";
    const r = await runStep(script, {
      cwd,
      env: { ...apply.env, CLARIFAI_PAT: "", CLARIFAI_USER_ID: USER, CLARIFAI_APP_ID: "x" },
      cli: "repo-build",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no personal access token/m);
    expect(r.stderr).not.toMatch(/embedded local app/);
  });
});
