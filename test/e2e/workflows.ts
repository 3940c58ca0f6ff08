/**
 * The GitHub Actions recipes in examples/github-actions, read as data, and a runner for their
 * `run:` steps as a runner would run them (`bash -e`), with the workflow's env filled in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseDocument } from "yaml";
import { BIN, type CliResult, cleanEnv, runProcess } from "../helpers/cli.js";
import { EXAMPLES } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is checked field by field by the tests
export type Workflow = any;

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

/** Parses `examples/github-actions/<file>`, failing the test on any YAML error or warning. */
export function loadWorkflow(file: string): Workflow {
  const text = readFileSync(join(EXAMPLES, "github-actions", file), "utf8");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  expect(doc.errors.map(String), file).toEqual([]);
  expect(doc.warnings.map(String), file).toEqual([]);
  return doc.toJS();
}

/** Every step of every job (or of `job` only). */
export function stepsOf(workflow: Workflow, job?: string): Step[] {
  const jobs = workflow.jobs as Record<string, { steps: Step[] }>;
  if (job !== undefined) return jobs[job]?.steps ?? [];
  return Object.values(jobs).flatMap((j) => j.steps);
}

/** How the recipes run the CLI: never in a way that could fetch another package. */
export const CLI_CALL = "npx --no dataset";

/** The `run:` scripts that call the CLI. */
export function datasetRuns(workflow: Workflow): string[] {
  return stepsOf(workflow)
    .map((s) => s.run)
    .filter((run): run is string => run?.includes(CLI_CALL) === true);
}

/** Where a step's CLI comes from: the repository's build, or the package installed in `cwd`. */
type CliSource = "repo-build" | "installed";

export interface StepOptions {
  cwd: string;
  /** The workflow env, secrets and vars filled in (see `workflowEnv`). */
  env: Record<string, string>;
  cli: CliSource;
}

/**
 * The workflow's `env:` with `secrets.CLARIFAI_PAT` and `vars.CLARIFAI_*` filled in, the API
 * base pointed at `apiBase`, and `GITHUB_STEP_SUMMARY` a file in `cwd`.
 */
export function workflowEnv(
  workflow: Workflow,
  fill: { apiBase: string; pat: string; userId: string; appId: string; cwd: string },
): Record<string, string> {
  const values: Record<string, string> = {
    "${{ secrets.CLARIFAI_PAT }}": fill.pat,
    "${{ vars.CLARIFAI_USER_ID }}": fill.userId,
    "${{ vars.CLARIFAI_APP_ID }}": fill.appId,
  };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(workflow.env as Record<string, string>)) {
    env[key] = values[value] ?? value;
  }
  env.CLARIFAI_API_BASE = fill.apiBase;
  env.GITHUB_STEP_SUMMARY = join(fill.cwd, "step-summary.md");
  return env;
}

/** Runs one `run:` script with `bash -e`, as the runner does. */
export function runStep(script: string, options: StepOptions): Promise<CliResult> {
  const local =
    options.cli === "repo-build" ? script.replaceAll(CLI_CALL, `node "${BIN}"`) : script;
  return runProcess("bash", ["-e", "-c", local], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
  });
}

/** Runs the workflow's `run:` steps that call the CLI, in order; stops at the first failure. */
export async function runWorkflow(
  workflow: Workflow,
  options: StepOptions & { job?: string },
): Promise<CliResult> {
  let last: CliResult = { code: 0, signal: null, stdout: "", stderr: "" };
  for (const step of stepsOf(workflow, options.job)) {
    if (step.run === undefined || !step.run.includes(CLI_CALL)) continue;
    last = await runStep(step.run, options);
    if (last.code !== 0) break;
  }
  return last;
}
