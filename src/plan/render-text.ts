import pc from "picocolors";
import {
  ACTION_SYMBOL,
  conceptDeltas,
  conceptsPhrase,
  type DiffLine,
  declaredCount,
  deletionCounts,
  deletionSentence,
  formatConceptDelta,
  formatOwnershipDelta,
  formatSummaryLine,
  imageChangeLine,
  isEmptyPlan,
  liveImageLabel,
  metadataDiff,
  metadataPhrase,
  ownershipDelta,
  prunableSentence,
} from "./describe.js";
import { estimateRequests, formatEstimate } from "./estimate.js";
import { ACTION_ORDER } from "./plan.js";
import { describeTarget } from "./plan-target.js";
import type { Change, ChangeAction, Plan } from "./types.js";

/** Options of {@link renderPlanText}. */
export interface TextRenderOptions {
  /** ANSI colours; only when stdout is a TTY and NO_COLOR is unset. */
  color: boolean;
  /** Changes listed per action before `… and N more to <action>`. Default: all of them. */
  maxPerAction?: number;
  /** Only the target, the counts per action and the summary (`--compact`). */
  compact?: boolean;
  /** The request-rate cap, for the time estimate; omit for the embedded local app. */
  maxRps?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

const DETAIL = "      ";

/** Control characters (from ids or URLs the API returned) must not reach the terminal raw. */
function safe(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function actionColor(colors: Colors, action: ChangeAction): (text: string) => string {
  switch (action) {
    case "create":
      return colors.green;
    case "update":
    case "adopt":
      return colors.yellow;
    case "replace":
    case "recreate":
    case "delete":
      return colors.red;
  }
}

function headline(change: Change, colors: Colors): string {
  const paint = actionColor(colors, change.action);
  const head = `${ACTION_SYMBOL[change.action].padStart(3)} ${change.action}`;
  const pad = " ".repeat(8 - change.action.length);
  let note = "";
  if (change.action === "update") note = ` (${change.reasons.join(", ")})`;
  if (change.action === "replace") note = ` (${change.reason} changed)`;
  if (change.action === "recreate") note = " (reason: failed)";
  if (change.action !== "delete" && change.origin !== undefined) {
    note += ` (from ${safe(change.origin)})`;
  }
  return `${paint(head)}${pad} ${colors.bold(safe(change.id))}${note}`;
}

function diffLineText(line: DiffLine, colors: Colors): string {
  if (line.sign === "…") return `${DETAIL}    …`;
  const text = `${DETAIL}  ${line.sign} ${safe(line.text)}`;
  if (line.sign === "+") return colors.green(text);
  if (line.sign === "-") return colors.red(text);
  return colors.dim(text);
}

/** Concept and metadata changes, shared by update, replace and recreate. */
function dataLines(
  change: Exclude<Change, { action: "create" | "delete" | "adopt" }>,
  colors: Colors,
): string[] {
  const lines: string[] = [];
  for (const delta of conceptDeltas(change.before, change.after)) {
    const text = `${DETAIL}${safe(formatConceptDelta(delta))}`;
    lines.push(
      delta.kind === "added"
        ? colors.green(text)
        : delta.kind === "removed"
          ? colors.red(text)
          : colors.yellow(text),
    );
  }
  const metadata = metadataDiff(change.before, change.after);
  if (metadata.length > 0) {
    lines.push(`${DETAIL}metadata:`);
    for (const line of metadata) lines.push(diffLineText(line, colors));
  }
  return lines;
}

function detailLines(change: Change, colors: Colors): string[] {
  switch (change.action) {
    case "create": {
      const image = change.after.data.image;
      const lines = [
        `${DETAIL}${"file" in image ? `file: ${safe(image.file.path)}` : `url: ${safe(image.url)}`}`,
      ];
      if (change.after.data.concepts.length > 0)
        lines.push(`${DETAIL}concepts: ${safe(conceptsPhrase(change.after))}`);
      const metadata = metadataPhrase(change.after);
      if (metadata !== "{}") lines.push(`${DETAIL}metadata: ${safe(metadata)}`);
      return lines;
    }
    case "delete":
      return [`${DETAIL}${safe(liveImageLabel(change.before))}`];
    case "replace":
      return [
        `${DETAIL}${safe(imageChangeLine(change.before, change.after))}`,
        ...dataLines(change, colors),
      ];
    case "recreate": {
      const status = change.before.status;
      const words = [status?.code, status?.description, status?.details].filter(
        (w) => w !== undefined && w !== "",
      );
      return [
        `${DETAIL}status: ${safe(words.join(" ") || "failed")}`,
        ...dataLines(change, colors),
      ];
    }
    case "adopt":
      return [
        `${DETAIL}${safe(formatOwnershipDelta(ownershipDelta(change.before, change.after)))}`,
      ];
    case "update": {
      const lines = dataLines(change, colors);
      if (change.reasons.includes("ownership")) {
        lines.push(
          `${DETAIL}${safe(formatOwnershipDelta(ownershipDelta(change.before, change.after)))}`,
        );
      }
      return lines;
    }
  }
}

/**
 * The plan for people (contract §3): the target first, deletions announced next, one entry per
 * change grouped by action (deletes, replaces, recreates, creates, updates) — every change unless
 * `maxPerAction` caps them — then the summary line and the request estimate. With `compact`, the
 * counts per action replace the list. Ends with a newline.
 */
export function renderPlanText(plan: Plan, options: TextRenderOptions): string {
  return [...renderPlanTextChunks(plan, options)].join("");
}

/** {@link renderPlanText} in pieces, so a plan of a million changes is written without one huge string. */
export function* renderPlanTextChunks(plan: Plan, options: TextRenderOptions): Generator<string> {
  const colors = pc.createColors(options.color);
  const max = options.maxPerAction ?? Number.POSITIVE_INFINITY;
  const summary = plan.summary;
  const prunable = plan.live?.prunable ?? 0;
  const line = (text: string) => `${text}\n`;

  yield line(colors.dim(`Target: ${safe(describeTarget(plan.target))}`));
  if (isEmptyPlan(summary)) {
    const n = declaredCount(summary);
    yield line(`No changes. The app matches the manifest (${n} ${n === 1 ? "input" : "inputs"}).`);
    if (prunable > 0) yield line(prunableSentence(prunable));
    return;
  }

  const deletions = deletionCounts(summary);
  if (deletions.total > 0) {
    yield line(`${colors.bold(colors.yellow("Warning:"))} ${deletionSentence(deletions, String)}.`);
  }
  yield "\n";

  if (options.compact === true) {
    for (const action of ACTION_ORDER) {
      const count = summary[action];
      if (count > 0) {
        const head = `${ACTION_SYMBOL[action].padStart(3)} ${action}`;
        yield line(`${actionColor(colors, action)(head)}${" ".repeat(9 - action.length)}${count}`);
      }
    }
    yield "\n";
  } else {
    const groups = new Map<ChangeAction, Change[]>(ACTION_ORDER.map((a) => [a, []]));
    for (const change of plan.changes) groups.get(change.action)?.push(change);
    for (const action of ACTION_ORDER) {
      const changes = groups.get(action) ?? [];
      if (changes.length === 0) continue;
      for (const change of changes.slice(0, max)) {
        yield line([headline(change, colors), ...detailLines(change, colors)].join("\n"));
      }
      if (changes.length > max)
        yield line(colors.dim(`    … and ${changes.length - max} more to ${action}`));
      yield "\n";
    }
  }

  yield line(colors.bold(formatSummaryLine(summary)));
  yield line(
    formatEstimate(
      estimateRequests(plan, options.maxRps === undefined ? {} : { maxRps: options.maxRps }),
      options.maxRps,
    ),
  );
  if (prunable > 0) yield line(prunableSentence(prunable));
}
