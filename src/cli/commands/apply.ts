import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { applyPlan } from "../../apply/executor.js";
import { checkMassDelete } from "../../apply/guard.js";
import { lineProgress, type ProgressSink, ttyProgress } from "../../apply/progress.js";
import { findStaleReasons } from "../../apply/stale.js";
import type { ApplyReport } from "../../apply/types.js";
import { FAILED, type Outcome, SUCCESS, UserError } from "../../errors.js";
import {
  parsePlanJson,
  planLiveApp,
  refuseConflictingPlan,
  renderPlanTextChunks,
} from "../../plan/index.js";
import { describeTarget } from "../../plan/plan-target.js";
import type { Plan } from "../../plan/types.js";
import { type Connection, connect } from "../connect.js";
import { parseDuration } from "../duration.js";
import type { CliIO, StopSignal } from "../io.js";
import { connectForManifest } from "../manifest-target.js";
import { clientNotices } from "../notices.js";
import { selectSavedPlanTarget, type TargetFlags } from "../target.js";

export interface ApplyCommandOptions extends TargetFlags {
  yes?: boolean;
  prune?: boolean;
  concurrency?: number;
  /** Commander sets `wait: false` for `--no-wait`. */
  wait?: boolean;
  waitTimeout?: string;
  allowMassDelete?: boolean;
  /** Print only the plan's summary and counts per action. */
  compact?: boolean;
}

const readBytes = (path: string) => readFile(path);
/** A JavaScript string holds at most about 512 MB; plan files beyond that cannot be parsed. */
const MAX_PLAN_FILE_BYTES = 500_000_000;

/** `dataset apply <manifest | plan.json>`. Returns how it ended (interrupted: what was done is printed). */
export async function runApply(
  source: string,
  options: ApplyCommandOptions,
  io: CliIO,
): Promise<Outcome> {
  const waitTimeoutMs = parseDuration(options.waitTimeout ?? "10m", "--wait-timeout");
  const concurrency = options.concurrency ?? 4;
  const savedPlan = source.endsWith(".json") ? await readSavedPlan(source, io) : undefined;
  // Retry and throttle notices go through the progress display once it is drawing.
  let progress: ProgressSink | undefined;
  const onClientEvent = clientNotices((line) =>
    progress === undefined ? io.err(line) : progress.notice(line),
  );

  let connection: Connection;
  let plan: Plan;
  let owned: number;
  if (savedPlan === undefined) {
    const opened = await connectForManifest(source, options, io, { onClientEvent });
    const manifest = opened.manifest;
    connection = opened.connection;
    try {
      ({ plan, owned } = await planLiveApp({
        manifest,
        api: connection.api,
        target: connection.target,
        prune: options.prune === true,
        manifestDir: dirname(resolve(io.cwd, manifest.path)),
      }));
    } catch (error) {
      await connection.close();
      throw error;
    }
  } else {
    if (options.prune !== undefined) {
      throw new UserError("bad-flag", "--prune has no effect on a saved plan", {
        hint: "a saved plan already says what it deletes; make it with `dataset plan --prune --out FILE`",
      });
    }
    plan = savedPlan;
    owned = plan.live?.owned ?? 0;
    const target = selectSavedPlanTarget({
      planned: plan.target,
      manifestName: plan.manifest.name,
      flags: options,
      env: io.env,
    });
    connection = await connect(target, io, { onClientEvent });
  }

  try {
    const conflict = refuseConflictingPlan(plan);
    if (conflict !== undefined) {
      throw new UserError("plan-conflicts", conflict.message, { hint: conflict.hint });
    }
    const baseDir = dirname(resolve(io.cwd, plan.manifest.path));
    if (savedPlan !== undefined) {
      const reasons = await findStaleReasons({
        plan,
        api: connection.api,
        baseDir,
        readFile: readBytes,
        concurrency,
      });
      if (reasons.length > 0) {
        const more = reasons.length > 5 ? ` (and ${reasons.length - 5} more)` : "";
        throw new UserError(
          "stale-plan",
          `the plan is stale: ${reasons.slice(0, 5).join("; ")}${more}; nothing was changed`,
          {
            hint: `make a new plan with \`dataset plan ${plan.manifest.path} --out ${source}\``,
          },
        );
      }
    }

    const textOptions = { color: io.colorOut, maxRps: connection.maxRps, compact: options.compact };
    for (const piece of renderPlanTextChunks(plan, textOptions)) io.write(piece);
    if (plan.changes.length === 0) return SUCCESS;

    const guard = checkMassDelete(plan, owned);
    if (guard.refused && options.allowMassDelete !== true) {
      throw new UserError(
        "mass-delete",
        `refusing to delete ${guard.deletes} inputs (more than 50 and more than 25% of the ${guard.owned} inputs this manifest owns); nothing was changed`,
        {
          hint: "check the plan above; if it is what you want, run again with --allow-mass-delete",
        },
      );
    }

    if (options.yes !== true) {
      if (!io.stdinIsTTY || !io.stderrIsTTY) {
        throw new UserError(
          "needs-confirmation",
          "apply needs confirmation, and there is no terminal to ask on; nothing was changed",
          {
            hint: "review the plan above and pass --yes to apply it without asking (as in CI)",
          },
        );
      }
      const ok = await io.confirm(
        `Apply these changes to ${describeTarget(plan.target)}? Only 'yes' will be accepted:`,
      );
      if (!ok) {
        io.err("Apply cancelled; nothing was changed.");
        return FAILED;
      }
    }

    const controller = new AbortController();
    let stoppedBy: StopSignal = "SIGINT";
    const stopListening = io.onInterrupt((signal) => {
      if (controller.signal.aborted) return;
      stoppedBy = signal;
      controller.abort();
      io.err(
        "Interrupted: finishing the requests in flight, then stopping (Ctrl-C again quits at once).",
      );
    });
    progress =
      io.stderrIsTTY && io.colorErr && io.progressStream !== undefined
        ? ttyProgress(io.progressStream)
        : lineProgress(io.err);
    const sink = progress;
    let report: ApplyReport;
    try {
      report = await applyPlan({
        plan,
        api: connection.api,
        baseDir,
        readFile: readBytes,
        concurrency,
        signal: controller.signal,
        wait: { enabled: options.wait !== false, timeoutMs: waitTimeoutMs },
        onEvent: (event) => sink.onEvent(event),
      });
    } finally {
      sink.stop();
      progress = undefined;
      stopListening();
    }
    printReport(report, io, { waitTimeoutMs, rerun: `dataset apply ${plan.manifest.path}` });
    io.out(`Target: ${describeTarget(plan.target)}`);
    if (report.interrupted) return { kind: "interrupted", signal: stoppedBy };
    return report.failed.length > 0 || report.stillIndexing.length > 0 || report.notDone.length > 0
      ? FAILED
      : SUCCESS;
  } finally {
    await connection.close();
  }
}

async function readSavedPlan(path: string, io: CliIO): Promise<Plan> {
  let text: string;
  try {
    const { size } = await stat(resolve(io.cwd, path));
    if (size > MAX_PLAN_FILE_BYTES) {
      throw new UserError(
        "plan-too-large",
        `${path} is too large to read as a plan (${Math.round(size / 1e6)} MB)`,
        {
          hint: "apply the manifest itself (`dataset apply <manifest>`), or split it into smaller manifests",
        },
      );
    }
    text = await readFile(resolve(io.cwd, path), "utf8");
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError("not-found", `plan file not found: ${path}`, {
      hint: "make one with `dataset plan <manifest> --out plan.json`",
    });
  }
  return parsePlanJson(text, path);
}

function printReport(
  report: ApplyReport,
  io: CliIO,
  options: { waitTimeoutMs: number; rerun: string },
): void {
  const { waitTimeoutMs } = options;
  const failedCount = report.failed.length;
  const head = report.interrupted
    ? "Apply interrupted"
    : report.stopped !== undefined
      ? "Apply stopped"
      : failedCount > 0
        ? "Apply finished with errors"
        : "Apply complete";
  const indexing = report.waited
    ? `${report.indexed.length} indexed, ${failedCount} failed`
    : `${failedCount} failed; indexing not awaited`;
  io.out(
    `${head}: ${report.created.length} created, ${report.updated.length} updated, ${report.replaced.length} replaced, ${report.deleted.length} deleted; ${indexing}.`,
  );
  if (report.stopped !== undefined) io.out(`  stopped taking new work: ${report.stopped}`);
  for (const f of report.failed) {
    const code = f.code === undefined ? "" : ` [${f.code}]`;
    io.out(`  failed ${f.id} (${f.phase}): ${f.description}${code}`);
  }
  if (report.stillIndexing.length > 0) {
    const why = report.interrupted
      ? "when interrupted"
      : `after ${Math.round(waitTimeoutMs / 1000)} s`;
    io.out(
      `  ${report.stillIndexing.length} inputs were still indexing ${why}: ${listIds(report.stillIndexing)}`,
    );
  }
  if (report.notDone.length > 0) {
    io.out(
      `  not done (${report.notDone.length}): ${listIds(report.notDone.map((n) => `${n.id} (${n.action})`))}`,
    );
    io.out(`  Run \`${options.rerun}\` again to finish: it plans from the app as it is now.`);
  }
}

function listIds(ids: string[]): string {
  return ids.length <= 20
    ? ids.join(", ")
    : `${ids.slice(0, 20).join(", ")} and ${ids.length - 20} more`;
}
