import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { applyPlan } from "../../apply/executor.js";
import { checkMassDelete } from "../../apply/guard.js";
import { lineProgress, type ProgressSink, ttyProgress } from "../../apply/progress.js";
import { findStaleReasons } from "../../apply/stale.js";
import type { ApplyReport } from "../../apply/types.js";
import {
  parsePlanJson,
  planLiveApp,
  refuseConflictingPlan,
  renderPlanText,
} from "../../plan/index.js";
import type { Plan } from "../../plan/types.js";
import { type Connection, connect, localApiBase } from "../connect.js";
import { parseDuration } from "../duration.js";
import { UserError } from "../errors.js";
import type { CliIO } from "../io.js";
import { loadManifestOrFail } from "../load-manifest.js";
import { clientNotices } from "../notices.js";
import { selectTarget, type Target, type TargetFlags } from "../target.js";

export interface ApplyCommandOptions extends TargetFlags {
  yes?: boolean;
  prune?: boolean;
  concurrency?: number;
  /** Commander sets `wait: false` for `--no-wait`. */
  wait?: boolean;
  waitTimeout?: string;
  allowMassDelete?: boolean;
}

const readBytes = (path: string) => readFile(path);
/** A JavaScript string holds at most about 512 MB; plan files beyond that cannot be parsed. */
const MAX_PLAN_FILE_BYTES = 500_000_000;

/** `dataset apply <manifest | plan.json>`. Returns the exit code (130 when interrupted). */
export async function runApply(
  source: string,
  options: ApplyCommandOptions,
  io: CliIO,
): Promise<number> {
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
    const manifest = await loadManifestOrFail(source, io);
    const target = selectTarget({
      flags: options,
      env: io.env,
      manifestApp: manifest.app,
      manifestName: manifest.name,
    });
    connection = await connect(target, io, { onClientEvent });
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
    connection = await connect(targetForSavedPlan(plan, options, io), io, { onClientEvent });
  }

  try {
    const conflict = refuseConflictingPlan(plan);
    if (conflict !== undefined) {
      throw new UserError("plan-conflict", conflict.message, { hint: conflict.hint });
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

    io.out(renderPlanText(plan, { color: io.colorOut, maxRps: connection.maxRps }));
    if (plan.changes.length === 0) return 0;

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
      const ok = await io.confirm("Apply these changes? Only 'yes' will be accepted:");
      if (!ok) {
        io.err("Apply cancelled; nothing was changed.");
        return 1;
      }
    }

    const controller = new AbortController();
    const stopListening = io.onInterrupt(() => {
      if (controller.signal.aborted) return;
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
    if (report.interrupted) return 130;
    return report.failed.length > 0 || report.stillIndexing.length > 0 || report.notDone.length > 0
      ? 1
      : 0;
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

/**
 * A saved plan is applied to the app it was made for. Flags and env vars may supply the token
 * (plans never hold one) but must not point it at another app.
 */
function targetForSavedPlan(plan: Plan, flags: TargetFlags, io: CliIO): Target {
  const planned = plan.target;
  const localDir = planned.api_base.startsWith("local:")
    ? planned.api_base.slice("local:".length)
    : undefined;
  const target = selectTarget({
    flags:
      localDir !== undefined &&
      flags.local === undefined &&
      flags.apiBase === undefined &&
      flags.pat === undefined
        ? { ...flags, local: localDir }
        : flags,
    env:
      localDir !== undefined
        ? {}
        : { ...io.env, CLARIFAI_API_BASE: io.env.CLARIFAI_API_BASE ?? planned.api_base },
    manifestApp: { user_id: planned.user_id, app_id: planned.app_id },
    manifestName: plan.manifest.name,
  });
  const apiBase = target.kind === "local" ? localApiBase(target.dir) : target.apiBase;
  if (
    apiBase !== planned.api_base ||
    target.userId !== planned.user_id ||
    target.appId !== planned.app_id
  ) {
    throw new UserError(
      "wrong-target",
      `the plan was made for ${planned.api_base} ${planned.user_id}/${planned.app_id}, not ${apiBase} ${target.userId}/${target.appId}; nothing was changed`,
      { hint: "apply it to the app it was made for, or make a new plan for this one" },
    );
  }
  return target;
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
