import { reportConflicts } from "./conflicts.js";
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
  imageChangeLine,
  isEmptyPlan,
  liveImageLabel,
  metadataDiff,
  metadataPhrase,
  ownershipDelta,
  prunableSentence,
} from "./describe.js";
import { estimateRequests, formatCount, formatEstimate } from "./estimate.js";
import { ACTION_ORDER } from "./plan.js";
import { describeTarget } from "./plan-target.js";
import { type Change, type ChangeAction, type Plan, SUMMARY_KEYS } from "./types.js";

/** Options of {@link renderPlanMarkdown}. */
export interface MarkdownRenderOptions {
  /** Hard limit on the output's length (UTF-16 units). Default 65,536, GitHub's comment limit. */
  maxChars?: number;
  /** Changes listed per action at most. Default 100. */
  maxPerAction?: number;
  /** The request-rate cap, for the time estimate; omit for the embedded local app. */
  maxRps?: number;
  /** Only the header and the summary table, no list of changes (`--compact`). */
  compact?: boolean | undefined;
}

/** GitHub's limit on the body of an issue or pull-request comment. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Metadata diff lines shown per change, and characters per line: one change must stay small. */
const MAX_DIFF_LINES = 40;
const MAX_LINE_CHARS = 300;

/**
 * Text made inert in both markdown and HTML: `<` and `&` (no tag or entity can start) and the
 * characters inline markdown acts on (code, emphasis, links, strikethrough, table cells) become
 * numeric entities, which render as themselves and trigger nothing. Line breaks and other control
 * characters become spaces, so a value never starts a block (quotes, headings, lists); values are
 * always placed after other text on their line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/[&<`*_[\]\\|~]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A value for a double-quoted HTML attribute. */
function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const code = (text: string) => `<code>${escapeMarkdown(text)}</code>`;

function thumbnail(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\//i.test(url.trim())) return undefined;
  return `<img src="${escapeAttribute(url.trim())}" width="64">`;
}

/** A fence longer than any backtick run inside, so the content cannot close it. */
function fence(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines)
    for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return "`".repeat(Math.max(3, longest + 1));
}

function diffBlock(lines: readonly DiffLine[]): string[] {
  const shown = lines.slice(0, MAX_DIFF_LINES).map((line) => {
    const text =
      line.text.length > MAX_LINE_CHARS ? `${line.text.slice(0, MAX_LINE_CHARS - 1)}…` : line.text;
    return line.sign === "…" ? " …" : `${line.sign}${text}`;
  });
  if (lines.length > shown.length) shown.push(` … ${lines.length - shown.length} more lines`);
  const f = `${fence(shown)}`;
  return ["", `  ${f}diff`, ...shown.map((l) => `  ${l}`), `  ${f}`];
}

function conceptLine(
  change: Exclude<Change, { action: "create" | "delete" | "adopt" }>,
): string | undefined {
  const deltas = conceptDeltas(change.before, change.after);
  if (deltas.length === 0) return undefined;
  return `concepts: ${deltas.map((d) => code(formatConceptDelta(d))).join(" ")}`;
}

/** One change as a markdown list item (continuation lines indented by two spaces). */
function renderEntry(change: Change): string {
  const lines: string[] = [];
  const details: string[] = [];
  let note = "";
  let images: (string | undefined)[] = [];
  let diff: DiffLine[] = [];
  switch (change.action) {
    case "create": {
      const image = change.after.data.image;
      images = ["file" in image ? undefined : image.url];
      details.push("file" in image ? `file: ${code(image.file.path)}` : `url: ${code(image.url)}`);
      if (change.after.data.concepts.length > 0)
        details.push(`concepts: ${code(conceptsPhrase(change.after))}`);
      const metadata = metadataPhrase(change.after);
      if (metadata !== "{}") details.push(`metadata: ${code(metadata)}`);
      break;
    }
    case "delete":
      images = [change.before.data?.image?.url];
      details.push(escapeMarkdown(liveImageLabel(change.before)));
      break;
    case "adopt":
      images = [change.before.data?.image?.url];
      details.push(
        escapeMarkdown(formatOwnershipDelta(ownershipDelta(change.before, change.after))),
      );
      break;
    case "update":
    case "replace":
    case "recreate": {
      if (change.action === "update") {
        note = ` · ${change.reasons.join(", ")}`;
        images = [change.before.data?.image?.url];
      } else {
        const after = change.after.data.image;
        const afterUrl = "file" in after ? undefined : after.url;
        images =
          change.action === "replace" ? [change.before.data?.image?.url, afterUrl] : [afterUrl];
        note = change.action === "replace" ? ` · ${change.reason} changed` : " · failed to index";
        if (change.action === "replace")
          details.push(escapeMarkdown(imageChangeLine(change.before, change.after)));
        else {
          const s = change.before.status;
          const words = [s?.code, s?.description, s?.details].filter(
            (w) => w !== undefined && w !== "",
          );
          details.push(`status: ${escapeMarkdown(words.join(" ") || "failed")}`);
        }
      }
      const concepts = conceptLine(change);
      if (concepts !== undefined) details.push(concepts);
      if (change.action === "update" && change.reasons.includes("ownership")) {
        details.push(
          escapeMarkdown(formatOwnershipDelta(ownershipDelta(change.before, change.after))),
        );
      }
      diff = metadataDiff(change.before, change.after);
      break;
    }
  }
  lines.push(`- ${code(change.id)}${note}`);
  const thumbs = images.map(thumbnail).filter((t): t is string => t !== undefined);
  if (thumbs.length > 0) lines.push(`  <br>${thumbs.join(" → ")}`);
  for (const detail of details) lines.push(`  <br>${detail}`);
  if (diff.length > 0) lines.push(...diffBlock(diff));
  return `${lines.join("\n")}\n`;
}

/** The summary as a table: every count, in the one key order; Adopt only when there are any. */
function summaryTable(plan: Plan): string {
  const keys = SUMMARY_KEYS.filter((key) => key !== "adopt" || plan.summary.adopt > 0);
  const title = (key: string) => `${key[0]?.toUpperCase()}${key.slice(1)}`;
  return [
    `| ${keys.map(title).join(" | ")} |`,
    `| ${keys.map(() => "---:").join(" | ")} |`,
    `| ${keys.map((key) => formatCount(plan.summary[key])).join(" | ")} |`,
  ].join("\n");
}

function header(plan: Plan, options: MarkdownRenderOptions): string[] {
  const parts = [
    `<!-- dataset-plan: ${plan.manifest.name.replace(/[^A-Za-z0-9_.-]/g, "_")} -->`,
    `### Dataset plan: ${escapeMarkdown(plan.manifest.name)}`,
    "",
    `Target: ${escapeMarkdown(describeTarget(plan.target))}`,
    "",
  ];
  const conflicts = reportConflicts(plan);
  if (conflicts !== undefined) {
    const n = plan.conflicts?.length ?? 0;
    parts.push(
      "> [!CAUTION]",
      `> Apply would be refused: ${formatCount(n)} ${n === 1 ? "input posts a URL" : "inputs post URLs"} that a live input keeps.`,
      ...conflicts.lines.map((line) => `> - ${escapeMarkdown(line)}`),
      `> Ways out: ${escapeMarkdown(conflicts.hint)}.`,
      "",
    );
  }
  const prunable = plan.live?.prunable ?? 0;
  if (isEmptyPlan(plan.summary)) {
    const n = declaredCount(plan.summary);
    parts.push(
      `**No changes.** The app matches the manifest (${formatCount(n)} ${n === 1 ? "input" : "inputs"}).`,
    );
    if (prunable > 0) parts.push("", prunableSentence(prunable));
    return parts;
  }
  const deletions = deletionCounts(plan.summary);
  if (deletions.total > 0) {
    const sentence = deletionSentence(deletions, formatCount);
    parts.push("> [!WARNING]", `> ${sentence[0]?.toUpperCase()}${sentence.slice(1)}.`, "");
  }
  parts.push(summaryTable(plan), "");
  const estimate = estimateRequests(
    plan,
    options.maxRps === undefined ? {} : { maxRps: options.maxRps },
  );
  parts.push(formatEstimate(estimate, options.maxRps));
  if (prunable > 0) parts.push("", prunableSentence(prunable));
  return parts;
}

function truncationNote(
  plan: Plan,
  hidden: number,
  why: { byLength: boolean; maxChars: number; maxPerAction: number },
): string {
  const noun = hidden === 1 ? "change" : "changes";
  const reason = why.byLength
    ? `GitHub comments are limited to ${formatCount(why.maxChars)} characters`
    : `at most ${formatCount(why.maxPerAction)} are listed per action`;
  const command = `dataset plan ${plan.manifest.path}`;
  return `_Plan truncated: ${formatCount(hidden)} more ${noun} not shown (${reason}). For every change, see the job log or run ${code(command)} locally._`;
}

/**
 * The plan for a pull-request comment (contract §3): a hidden marker (`<!-- dataset-plan: name -->`)
 * so a workflow can update its own comment, a warning first when anything is deleted or replaced,
 * the summary as a table, changes per action in `<details>` blocks with thumbnails of URL images
 * and metadata diffs. Never longer than `maxChars`: changes that do not fit are left out (each
 * action gets a fair share of the room) and a note says how many, keeping the summary.
 */
export function renderPlanMarkdown(plan: Plan, options: MarkdownRenderOptions = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const maxPerAction = options.maxPerAction ?? 100;
  const head = `${header(plan, options).join("\n")}\n`;
  if (isEmptyPlan(plan.summary) || options.compact === true) {
    return head.length <= maxChars ? head : head.slice(0, maxChars);
  }

  const groups = new Map<ChangeAction, Change[]>(ACTION_ORDER.map((a) => [a, []]));
  for (const change of plan.changes) groups.get(change.action)?.push(change);
  const present = ACTION_ORDER.filter((a) => (groups.get(a)?.length ?? 0) > 0);

  // Room for the note, sized for the largest count it could carry.
  const reserve =
    truncationNote(plan, plan.changes.length, { byLength: true, maxChars, maxPerAction }).length +
    2;
  let room = maxChars - head.length - reserve;
  let hidden = 0;
  let hitLength = false;
  const sections: string[] = [];

  present.forEach((action, index) => {
    const changes = groups.get(action) ?? [];
    // Each remaining action gets an equal share of what is left; unused room flows on.
    const share = Math.floor(room / (present.length - index));
    const title = `${ACTION_SYMBOL[action]} ${formatCount(changes.length)} to ${action}`;
    const open = `\n<details${action === "delete" ? " open" : ""}><summary><strong>${title}</strong></summary>\n\n`;
    const more = (n: number) => `\n_… and ${formatCount(n)} more to ${action} not shown._\n`;
    const close = "\n</details>\n";
    const fixed = open.length + close.length + more(changes.length).length;
    let used = 0;
    let shown = 0;
    const body: string[] = [];
    if (fixed <= share) {
      for (const change of changes) {
        if (shown >= maxPerAction) break;
        const entry = renderEntry(change);
        if (fixed + used + entry.length > share) {
          hitLength = true;
          break;
        }
        body.push(entry);
        used += entry.length;
        shown++;
      }
    } else {
      hitLength = true;
    }
    hidden += changes.length - shown;
    if (shown === 0) return;
    const section = `${open}${body.join("")}${shown < changes.length ? more(changes.length - shown) : ""}${close}`;
    sections.push(section);
    room -= section.length;
  });

  let out = head + sections.join("");
  if (hidden > 0) {
    out += `\n${truncationNote(plan, hidden, { byLength: hitLength, maxChars, maxPerAction })}\n`;
  }
  // The budget above guarantees the limit unless maxChars cannot even hold the header.
  return out.length <= maxChars ? out : out.slice(0, maxChars);
}
