import { resolve } from "node:path";
import { DIFFERS, type Outcome, SUCCESS, UserError } from "../../errors.js";
import { renderPlanJsonChunks, renderPlanMarkdown, renderPlanText } from "../../plan/index.js";
import type { Plan } from "../../plan/types.js";
import { classifySource, notAManifestError } from "../classify-source.js";
import { computeLivePlan } from "../compute-plan.js";
import { connect } from "../connect.js";
import { listenForStop, STOPPED_WHILE_READING } from "../interruptible.js";
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

/** `dataset plan <manifest>`: read the live app, diff, print. `--detailed-exitcode` turns changes into the `differs` outcome. */
export async function runPlan(
  manifestPath: string,
  options: PlanCommandOptions,
  io: CliIO,
): Promise<Outcome> {
  const format = parseFormat(options.format);
  const notAManifest = notAManifestError(await classifySource(manifestPath, io.cwd), "plan");
  if (notAManifest !== undefined) throw notAManifest;
  const manifest = await loadManifestOrFail(manifestPath, io);
  const target = selectTarget({
    flags: options,
    env: io.env,
    manifestApp: manifest.app,
    manifestName: manifest.name,
  });
  const connection = await connect(target, io);
  const stop = listenForStop(io);
  let plan: Plan | undefined;
  try {
    ({ plan } = await computeLivePlan({
      manifest,
      api: connection.api,
      target: connection.target,
      prune: options.prune === true,
      cwd: io.cwd,
      signal: stop.signal,
    }));
  } catch (error) {
    if (stop.received === undefined) throw error;
  } finally {
    stop.dispose();
    await connection.close();
  }
  if (stop.received !== undefined || plan === undefined) {
    io.err(STOPPED_WHILE_READING);
    return { kind: "interrupted", signal: stop.received ?? "SIGINT" };
  }

  if (format === "json") for (const piece of renderPlanJsonChunks(plan)) io.write(piece);
  else if (format === "markdown") io.out(renderPlanMarkdown(plan));
  else io.out(renderPlanText(plan, { color: io.colorOut, maxRps: connection.maxRps }));

  if (options.out !== undefined) {
    await writeFileAtomic(resolve(io.cwd, options.out), renderPlanJsonChunks(plan));
    io.err(`Saved the plan to ${options.out}; apply exactly it with: dataset apply ${options.out}`);
  }
  return options.detailedExitcode === true && hasChanges(plan) ? DIFFERS : SUCCESS;
}
