import { dirname, resolve } from "node:path";
import {
  planLiveApp,
  renderPlanJsonChunks,
  renderPlanMarkdown,
  renderPlanText,
  reportConflicts,
} from "../../plan/index.js";
import type { Plan } from "../../plan/types.js";
import { connect } from "../connect.js";
import { UserError } from "../errors.js";
import type { CliIO } from "../io.js";
import { loadManifestOrFail } from "../load-manifest.js";
import { selectTarget, type TargetFlags } from "../target.js";
import { writeFileAtomic } from "../write-atomic.js";

export type PlanFormat = "text" | "json" | "markdown";

export interface PlanCommandOptions extends TargetFlags {
  format?: string;
  out?: string;
  detailedExitcode?: boolean;
  prune?: boolean;
}

export function parseFormat(format: string | undefined): PlanFormat {
  const value = format ?? "text";
  if (value === "text" || value === "json" || value === "markdown") return value;
  throw new UserError("bad-flag", `unknown --format "${value}"`, {
    hint: "use one of: text, json, markdown",
  });
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}

/** `dataset plan <manifest>`: read the live app, diff, print. Returns the exit code. */
export async function runPlan(
  manifestPath: string,
  options: PlanCommandOptions,
  io: CliIO,
): Promise<number> {
  const format = parseFormat(options.format);
  const manifest = await loadManifestOrFail(manifestPath, io);
  const target = selectTarget({
    flags: options,
    env: io.env,
    manifestApp: manifest.app,
    manifestName: manifest.name,
  });
  const connection = await connect(target, io);
  let plan: Plan;
  try {
    ({ plan } = await planLiveApp({
      manifest,
      api: connection.api,
      target: connection.target,
      prune: options.prune === true,
      manifestDir: dirname(resolve(io.cwd, manifest.path)),
    }));
  } finally {
    await connection.close();
  }

  if (format === "json") for (const piece of renderPlanJsonChunks(plan)) io.write(piece);
  else if (format === "markdown") io.out(renderPlanMarkdown(plan));
  else io.out(renderPlanText(plan, { color: io.colorOut, maxRps: connection.maxRps }));

  if (options.out !== undefined) {
    await writeFileAtomic(resolve(io.cwd, options.out), renderPlanJsonChunks(plan));
    io.err(`Saved the plan to ${options.out}; apply exactly it with: dataset apply ${options.out}`);
  }
  // A plan the API would refuse is an error, whatever the format: the rendered plan (JSON and
  // markdown list the conflicts) stays on stdout, the errors go to stderr.
  const conflicts = reportConflicts(plan);
  if (conflicts !== undefined) {
    for (const line of conflicts.lines) io.err(`error: ${line}`);
    io.err(`hint: ${conflicts.hint}`);
    return 1;
  }
  return options.detailedExitcode === true && hasChanges(plan) ? 2 : 0;
}
