import { dirname, resolve } from "node:path";
import { DIFFERS, FAILED, type Outcome, SUCCESS, UserError } from "../../errors.js";
import {
  liveImageHasher,
  planLiveApp,
  renderPlanJsonChunks,
  renderPlanMarkdown,
  renderPlanTextChunks,
  reportConflicts,
} from "../../plan/index.js";
import type { Plan } from "../../plan/types.js";
import { classifySource, notAManifestError } from "../classify-source.js";
import { listenForStop, STOPPED_WHILE_READING } from "../interruptible.js";
import type { CliIO } from "../io.js";
import { connectForManifest } from "../manifest-target.js";
import { countingReads, type ProgressClock, readingProgress } from "../reading-progress.js";
import type { TargetFlags } from "../target.js";
import { writeFileAtomic } from "../write-atomic.js";

type PlanFormat = "text" | "json" | "markdown";

export interface PlanCommandOptions extends TargetFlags {
  format?: string;
  out?: string;
  detailedExitcode?: boolean;
  prune?: boolean;
  /** Only the summary and the counts per action (text and markdown). */
  compact?: boolean;
}

function parseFormat(format: string | undefined): PlanFormat {
  const value = format ?? "text";
  if (value === "text" || value === "json" || value === "markdown") return value;
  throw new UserError("bad-flag", `unknown --format "${value}"`, {
    hint: "use one of: text, json, markdown",
  });
}

function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}

/** `dataset plan <manifest>`: read the live app, diff, print. `--detailed-exitcode` turns changes into the `differs` outcome. */
export async function runPlan(
  manifestPath: string,
  options: PlanCommandOptions,
  io: CliIO,
  clock?: ProgressClock,
): Promise<Outcome> {
  const format = parseFormat(options.format);
  if (options.compact === true && format === "json") {
    throw new UserError("bad-flag", "--compact applies to text and markdown plans, not json", {
      hint: "read `summary` from the JSON plan instead",
    });
  }
  const notAManifest = notAManifestError(await classifySource(manifestPath, io.cwd), "plan");
  if (notAManifest !== undefined) throw notAManifest;
  const { loading, connection } = await connectForManifest(manifestPath, options, io);
  const manifest = loading.root;
  const stop = listenForStop(io);
  let plan: Plan | undefined;
  const progress = readingProgress(io, clock);
  try {
    ({ plan } = await planLiveApp({
      manifest,
      desired: loading.feed,
      api: countingReads(connection.api, progress),
      target: connection.target,
      prune: options.prune === true,
      manifestDir: dirname(resolve(io.cwd, manifest.path)),
      signal: stop.signal,
      hashLiveImage: liveImageHasher(connection.api),
    }));
  } catch (error) {
    if (stop.received === undefined) throw error;
  } finally {
    progress.stop();
    stop.dispose();
    await loading.stop();
    await connection.close();
  }
  if (stop.received !== undefined || plan === undefined) {
    io.err(STOPPED_WHILE_READING);
    return { kind: "interrupted", signal: stop.received ?? "SIGINT" };
  }

  if (format === "json") for (const piece of renderPlanJsonChunks(plan)) io.write(piece);
  else if (format === "markdown") io.out(renderPlanMarkdown(plan, { compact: options.compact }));
  else {
    const textOptions = { color: io.colorOut, maxRps: connection.maxRps, compact: options.compact };
    for (const piece of renderPlanTextChunks(plan, textOptions)) io.write(piece);
  }

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
    return FAILED;
  }
  return options.detailedExitcode === true && hasChanges(plan) ? DIFFERS : SUCCESS;
}
