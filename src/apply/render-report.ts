import type { ApplyReport, NotDone } from "./types.js";

export interface ReportRenderOptions {
  /** The wait's limit, to say how long inputs were awaited. */
  waitTimeoutMs: number;
  /** The command that finishes the job (`dataset apply manifest.yaml`). */
  rerun: string;
}

/** Ids listed in one line at most; the rest are counted. */
const LISTED_IDS = 20;

/**
 * The result of an apply, for people: a head line with the counts, then one line per failure and
 * per group of inputs left unfinished. Pure: the command prints it to stdout.
 */
export function renderApplyReport(report: ApplyReport, options: ReportRenderOptions): string {
  const lines = [headLine(report)];
  if (report.stopped?.kind === "api-failing") {
    lines.push(
      `  stopped taking new work: ${report.stopped.requestsInARow} requests in a row failed (${report.stopped.lastError})`,
    );
  }
  for (const f of report.failed) {
    const code = f.code === undefined ? "" : ` [${f.code}]`;
    lines.push(`  failed ${f.id} (${f.phase}): ${f.description}${code}`);
  }
  if (report.stillIndexing.length > 0) {
    const when =
      report.stopped?.kind === "interrupted"
        ? "when interrupted"
        : `after ${Math.round(options.waitTimeoutMs / 1000)} s`;
    lines.push(
      `  ${report.stillIndexing.length} inputs were not yet seen indexed ${when}: ${listIds(report.stillIndexing)}`,
    );
  }
  const orphaned = report.notDone.filter((n) => n.state === "deleted-not-reposted");
  const notStarted = report.notDone.filter((n) => n.state === "not-started");
  if (orphaned.length > 0) {
    lines.push(
      `  deleted but not posted again (${orphaned.length}): ${listIds(orphaned.map(withAction))}`,
    );
  }
  if (notStarted.length > 0) {
    lines.push(`  not done (${notStarted.length}): ${listIds(notStarted.map(withAction))}`);
  }
  if (report.notDone.length > 0) {
    lines.push(`  Run \`${options.rerun}\` again to finish: it plans from the app as it is now.`);
  }
  return lines.join("\n");
}

function headLine(report: ApplyReport): string {
  const failed = report.failed.length;
  const head =
    report.stopped?.kind === "interrupted"
      ? "Apply interrupted"
      : report.stopped !== undefined
        ? "Apply stopped"
        : failed > 0
          ? "Apply finished with errors"
          : "Apply complete";
  const orphaned = report.notDone.filter((n) => n.state === "deleted-not-reposted").length;
  const orphanedText = orphaned > 0 ? `, ${orphaned} deleted but not posted again` : "";
  const indexing = report.waited
    ? `${report.indexed.length} indexed, ${failed} failed`
    : `${failed} failed; indexing not awaited`;
  return `${head}: ${report.created.length} created, ${report.updated.length} updated, ${report.replaced.length} replaced, ${report.deleted.length} deleted${orphanedText}; ${indexing}.`;
}

function withAction(n: NotDone): string {
  return `${n.id} (${n.action})`;
}

function listIds(ids: string[]): string {
  return ids.length <= LISTED_IDS
    ? ids.join(", ")
    : `${ids.slice(0, LISTED_IDS).join(", ")} and ${ids.length - LISTED_IDS} more`;
}
