import { applyPlan } from "../../apply/executor.js";
import { checkMassDelete, describeMassDelete } from "../../apply/guard.js";
import { lineProgress, type ProgressSink, ttyProgress } from "../../apply/progress.js";
import { renderApplyReport } from "../../apply/render-report.js";
import type { ApplyReport } from "../../apply/types.js";
import { CANCELLED, FAILED, type Outcome, SUCCESS, UserError } from "../../errors.js";
import { describeTarget, renderPlanTextChunks } from "../../plan/index.js";
import { parseDuration } from "../duration.js";
import { listenForStop, STOPPED_BEFORE_WRITING } from "../interruptible.js";
import type { CliIO, StopSignal } from "../io.js";
import { clientNotices } from "../notices.js";
import { type PreparedApply, prepareApply, readBytes } from "../prepare-apply.js";
import type { TargetFlags } from "../target.js";

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

/**
 * `dataset apply <manifest | plan.json>`: prepare (plan, or read a saved plan) → check and
 * confirm → apply → print the report. A signal before anything is written ends it with one line;
 * during the apply, the requests in flight finish and what was done is printed.
 */
export async function runApply(
  source: string,
  options: ApplyCommandOptions,
  io: CliIO,
): Promise<Outcome> {
  const waitTimeoutMs = parseDuration(options.waitTimeout ?? "10m", "--wait-timeout");
  const concurrency = options.concurrency ?? 4;
  const stop = listenForStop(io);
  // Retry and throttle notices go through the progress display once it is drawing.
  let progress: ProgressSink | undefined;
  const notice = (line: string) => (progress === undefined ? io.err(line) : progress.notice(line));
  try {
    const prepared = await prepareApply(source, io, {
      flags: options,
      concurrency,
      signal: stop.signal,
      onClientEvent: clientNotices(notice),
    });
    if (prepared === undefined) return stoppedBeforeWriting(io, stop.received);
    try {
      const go = await checkAndConfirm(prepared, options, io, stop.signal);
      if (stop.received !== undefined) {
        // A signal before anything was written: at the prompt, the prompt already said so.
        if (go === SUCCESS) io.err(STOPPED_BEFORE_WRITING);
        return { kind: "interrupted", signal: stop.received };
      }
      if (go !== SUCCESS || prepared.plan.changes.length === 0) return go;
      stop.onStop(() =>
        notice(
          "Interrupted: finishing the requests in flight, then stopping (Ctrl-C again quits at once).",
        ),
      );
      progress =
        io.stderrIsTTY && io.colorErr && io.progressStream !== undefined
          ? ttyProgress(io.progressStream)
          : lineProgress(io.err);
      const sink = progress;
      let report: ApplyReport;
      try {
        report = await applyPlan({
          plan: prepared.plan,
          api: prepared.connection.api,
          baseDir: prepared.baseDir,
          readFile: readBytes,
          concurrency,
          signal: stop.signal,
          wait: { enabled: options.wait !== false, timeoutMs: waitTimeoutMs },
          onEvent: (event) => sink.onEvent(event),
        });
      } finally {
        sink.stop();
        progress = undefined;
      }
      io.out(
        renderApplyReport(report, {
          waitTimeoutMs,
          rerun: `dataset apply ${prepared.plan.manifest.path}`,
        }),
      );
      io.out(`Target: ${describeTarget(prepared.plan.target)}`);
      if (stop.received !== undefined) return { kind: "interrupted", signal: stop.received };
      const finished =
        report.failed.length === 0 &&
        report.stillIndexing.length === 0 &&
        report.notDone.length === 0;
      return finished ? SUCCESS : FAILED;
    } finally {
      await prepared.connection.close();
    }
  } finally {
    stop.dispose();
  }
}

function stoppedBeforeWriting(io: CliIO, signal: StopSignal | undefined): Outcome {
  io.err(STOPPED_BEFORE_WRITING);
  return { kind: "interrupted", signal: signal ?? "SIGINT" };
}

/**
 * Prints the plan, applies the mass-delete guard, and asks (a saved plan was reviewed when it was
 * made, so it is applied without asking, as Terraform does). `SUCCESS` means go ahead.
 */
async function checkAndConfirm(
  prepared: PreparedApply,
  options: ApplyCommandOptions,
  io: CliIO,
  signal: AbortSignal,
): Promise<Outcome> {
  const { plan, connection } = prepared;
  const textOptions = { color: io.colorOut, maxRps: connection.maxRps, compact: options.compact };
  for (const piece of renderPlanTextChunks(plan, textOptions)) io.write(piece);
  if (plan.changes.length === 0) return SUCCESS;

  const refusal = checkMassDelete(plan, prepared.owned);
  if (refusal !== undefined && options.allowMassDelete !== true) {
    throw new UserError("mass-delete", `${describeMassDelete(refusal)}; nothing was changed`, {
      hint: "check the plan above; if it is what you want, run again with --allow-mass-delete",
    });
  }
  if (options.yes === true || prepared.saved) return SUCCESS;
  if (!io.stdinIsTTY || !io.stderrIsTTY) {
    throw new UserError(
      "needs-confirmation",
      "apply needs confirmation, and there is no terminal to ask on; nothing was changed",
      { hint: "review the plan above and pass --yes to apply it without asking (as in CI)" },
    );
  }
  const answer = await io.confirm(
    `Apply these changes to ${describeTarget(plan.target)}? Only 'yes' will be accepted:`,
    signal,
  );
  if (answer === "yes") return SUCCESS;
  io.err("Apply cancelled; nothing was changed.");
  return answer === "cancelled" ? CANCELLED : FAILED;
}
