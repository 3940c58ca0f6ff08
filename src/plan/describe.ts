import { structuredPatch } from "diff";
import type { ApiInput } from "../api/types.js";
import { canonicalJson, readOwnershipMarker, userMetadata } from "./canonical.js";
import { conceptValues, liveSourceUrl } from "./compare.js";
import type { ChangeAction, PlannedInput, PlanSummary } from "./types.js";

/**
 * What the renderers say about a change, computed once here so that text and markdown agree.
 * Structural equality decided the plan; these helpers only explain it.
 */

/** The symbol of each action in the text and markdown plans (contract §3). */
export const ACTION_SYMBOL: Record<ChangeAction, string> = {
  create: "+",
  update: "~",
  adopt: "~",
  replace: "-/+",
  recreate: "-/+",
  delete: "-",
};

export type ConceptDelta =
  | { kind: "added"; id: string; value: number }
  | { kind: "removed"; id: string; value: number }
  | { kind: "changed"; id: string; from: number; to: number };

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Concept changes from `before` to `after`: added, then removed, then flipped; each by id. */
export function conceptDeltas(before: ApiInput, after: PlannedInput): ConceptDelta[] {
  const old = conceptValues(before.data?.concepts);
  const next = conceptValues(after.data.concepts);
  const added: ConceptDelta[] = [];
  const removed: ConceptDelta[] = [];
  const changed: ConceptDelta[] = [];
  for (const [id, value] of next) {
    const was = old.get(id);
    if (was === undefined) added.push({ kind: "added", id, value });
    else if (was !== value) changed.push({ kind: "changed", id, from: was, to: value });
  }
  for (const [id, value] of old) if (!next.has(id)) removed.push({ kind: "removed", id, value });
  return [...added.sort(byId), ...removed.sort(byId), ...changed.sort(byId)];
}

/** `+ cat`, `+ cat: 0`, `- dog`, `cat: 1 -> 0`. */
export function formatConceptDelta(delta: ConceptDelta): string {
  switch (delta.kind) {
    case "added":
      return delta.value === 1 ? `+ ${delta.id}` : `+ ${delta.id}: ${delta.value}`;
    case "removed":
      return delta.value === 1 ? `- ${delta.id}` : `- ${delta.id}: ${delta.value}`;
    case "changed":
      return `${delta.id}: ${delta.from} -> ${delta.to}`;
  }
}

/** One line of a metadata diff: `sign` is `+`, `-`, ` ` (context) or `…` (between hunks). */
export interface DiffLine {
  sign: "+" | "-" | " " | "…";
  text: string;
}

/**
 * A line diff of the user metadata (without `_dataset`) as canonical, key-sorted JSON indented
 * by 2 spaces. Documents of at most `fullUpTo` lines (default 30) are shown whole, so every key
 * keeps its context; longer ones show `context` lines (default 3) around each change. Empty when
 * the metadata is equal.
 */
export function metadataDiff(
  before: ApiInput,
  after: PlannedInput,
  options: { context?: number; fullUpTo?: number } = {},
): DiffLine[] {
  const oldText = canonicalJson(userMetadata(before.data?.metadata), 2);
  const newText = canonicalJson(userMetadata(after.data.metadata), 2);
  if (oldText === newText) return [];
  const lineCount = Math.max(oldText.split("\n").length, newText.split("\n").length);
  const context = lineCount <= (options.fullUpTo ?? 30) ? lineCount : (options.context ?? 3);
  const patch = structuredPatch("", "", `${oldText}\n`, `${newText}\n`, undefined, undefined, {
    context,
  });
  const lines: DiffLine[] = [];
  patch.hunks.forEach((hunk, index) => {
    if (index > 0) lines.push({ sign: "…", text: "" });
    for (const line of hunk.lines) {
      const sign = line[0];
      if (sign === "+" || sign === "-" || sign === " ") lines.push({ sign, text: line.slice(1) });
    }
  });
  return lines;
}

/** The ownership marker's change, when an update rewrites it. */
export interface OwnershipDelta {
  /** The live owner's manifest name; undefined when the input had no marker (adoption). */
  from: string | undefined;
  to: string;
}

export function ownershipDelta(before: ApiInput, after: PlannedInput): OwnershipDelta {
  return {
    from: readOwnershipMarker(before.data?.metadata)?.manifest,
    to: readOwnershipMarker(after.data.metadata)?.manifest ?? "",
  };
}

/** `owner: (none) -> photos (adopted)`, `owner: other -> photos`, `owner: photos (marker rewritten)`. */
export function formatOwnershipDelta(delta: OwnershipDelta): string {
  if (delta.from === undefined) return `owner: (none) -> ${delta.to} (adopted)`;
  if (delta.from === delta.to) return `owner: ${delta.to} (marker rewritten)`;
  return `owner: ${delta.from} -> ${delta.to}`;
}

/**
 * The image of a live input: the URL it was created from, or `uploaded file (sha256 1234abcd…)`
 * for a byte upload (whose hosted URL is the API's copy, never shown as the image).
 */
export function liveImageLabel(input: ApiInput): string {
  const url = liveSourceUrl(input);
  if (url !== undefined) return url;
  const sha = readOwnershipMarker(input.data?.metadata)?.sha256;
  return sha === undefined ? "uploaded file" : `uploaded file (sha256 ${shortSha(sha)})`;
}

function shortSha(sha256: string): string {
  return sha256.length > 12 ? `${sha256.slice(0, 12)}…` : sha256;
}

/** The replaced image, e.g. `url: https://a -> https://b` or `file: cat.jpg (sha256 ab… -> cd…)`. */
export function imageChangeLine(before: ApiInput, after: PlannedInput): string {
  const image = after.data.image;
  const url = liveSourceUrl(before);
  if (!("file" in image)) {
    return url === undefined
      ? `image: ${liveImageLabel(before)} -> ${image.url}`
      : `url: ${url} -> ${image.url}`;
  }
  if (url !== undefined) return `image: ${url} -> file ${image.file.path}`;
  const oldSha = readOwnershipMarker(before.data?.metadata)?.sha256;
  const from = oldSha === undefined ? "unknown" : shortSha(oldSha);
  return `file: ${image.file.path} (sha256 ${from} -> ${shortSha(image.file.sha256)})`;
}

/** Concepts of a new input in one phrase: `train, cat=0`. */
export function conceptsPhrase(input: PlannedInput): string {
  return input.data.concepts.map((c) => (c.value === 1 ? c.id : `${c.id}=${c.value}`)).join(", ");
}

/** Compact canonical JSON of the user metadata, cut to `max` characters. */
export function metadataPhrase(input: PlannedInput, max = 100): string {
  const text = canonicalJson(userMetadata(input.data.metadata));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** How many inputs the plan deletes, and why. */
export interface DeletionCounts {
  total: number;
  pruned: number;
  replaced: number;
  recreated: number;
}

export function deletionCounts(summary: PlanSummary): DeletionCounts {
  return {
    total: summary.delete + summary.replace + summary.recreate,
    pruned: summary.delete,
    replaced: summary.replace,
    recreated: summary.recreate,
  };
}

/** `this plan deletes 3 inputs (1 pruned, 2 replaced)` — the sentence both warnings share. */
export function deletionSentence(
  counts: DeletionCounts,
  formatCount: (n: number) => string,
): string {
  const parts: string[] = [];
  if (counts.pruned > 0) parts.push(`${formatCount(counts.pruned)} pruned`);
  if (counts.replaced > 0) parts.push(`${formatCount(counts.replaced)} replaced`);
  if (counts.recreated > 0) parts.push(`${formatCount(counts.recreated)} recreated`);
  const noun = counts.total === 1 ? "input" : "inputs";
  return `this plan deletes ${formatCount(counts.total)} ${noun} (${parts.join(", ")})`;
}

/**
 * `Plan: 2 to create, 1 to update, 1 to replace, 0 to delete. 40 unchanged, 3 unmanaged.`
 * Recreates (delete + create of a failed input) get their own `, 1 to recreate` after replace,
 * and adoptions `, 1 to adopt` after delete, only when there are any, so the common line stays
 * exactly as documented and the counts still match the entries listed above it.
 */
export function formatSummaryLine(summary: PlanSummary): string {
  const recreate = summary.recreate > 0 ? `, ${summary.recreate} to recreate` : "";
  const adopt = summary.adopt > 0 ? `, ${summary.adopt} to adopt` : "";
  return (
    `Plan: ${summary.create} to create, ${summary.update} to update, ${summary.replace} to replace` +
    `${recreate}, ${summary.delete} to delete${adopt}. ${summary.unchanged} unchanged, ${summary.unmanaged} unmanaged.`
  );
}

/** Declared inputs kept as they are plus those that change: the manifest's size. */
export function declaredCount(summary: PlanSummary): number {
  return changedCount(summary) - summary.delete + summary.unchanged;
}

/** Inputs the plan writes or deletes. */
function changedCount(summary: PlanSummary): number {
  const { create, update, adopt, replace, recreate } = summary;
  return create + update + adopt + replace + recreate + summary.delete;
}

/** Whether the plan changes nothing. */
export function isEmptyPlan(summary: PlanSummary): boolean {
  return changedCount(summary) === 0;
}

/** `2 owned inputs are no longer declared; run with --prune to delete them.` */
export function prunableSentence(prunable: number): string {
  return prunable === 1
    ? "1 input owned by this manifest is no longer declared; run with --prune to delete it."
    : `${prunable} inputs owned by this manifest are no longer declared; run with --prune to delete them.`;
}
