/** Text and JSON renderings of `dataset status` (pure). */

import { statusCodeName } from "../api/status-names.js";
import type { InputCounts } from "../api/types.js";
import { locationOf } from "../plan/plan-target.js";
import type { PlanTarget } from "../plan/types.js";
import type { InputState, ManifestStatus } from "./tally.js";

/** How many ids a text listing shows per group before "… and N more". */
const TEXT_LIST_LIMIT = 20;

/** The app's counts from GetInputCount, each named in words. */
const COUNT_WORDS: { key: keyof InputCounts; words: string }[] = [
  { key: "processed", words: "processed (indexed and searchable)" },
  { key: "to_process", words: "to process (waiting to be downloaded and indexed)" },
  { key: "processing", words: "processing (being downloaded and indexed)" },
  { key: "errors", words: "errors (failed to download or index)" },
  { key: "reindexed", words: "reindexed" },
  { key: "to_reindex", words: "to reindex (waiting to be indexed again)" },
  { key: "reindexing", words: "reindexing (being indexed again)" },
  { key: "reindex_errors", words: "reindex errors (failed to index again)" },
];

function targetLabel(target: PlanTarget): string {
  const location = locationOf(target);
  const where =
    location.kind === "local" ? `the embedded local app in ${location.dir}` : location.apiBase;
  return `users/${target.user_id}/apps/${target.app_id} at ${where}`;
}

export function renderCountsText(target: PlanTarget, counts: InputCounts): string {
  const width = Math.max(...COUNT_WORDS.map(({ key }) => String(counts[key]).length));
  const total = counts.processed + counts.to_process + counts.processing + counts.errors;
  return [
    `App ${targetLabel(target)}: ${total} ${total === 1 ? "input" : "inputs"}.`,
    ...COUNT_WORDS.map(({ key, words }) => `  ${String(counts[key]).padStart(width)} ${words}`),
  ].join("\n");
}

export function renderCountsJson(target: PlanTarget, counts: InputCounts): string {
  return JSON.stringify({ format_version: 1, target, counts }, null, 2);
}

function stateName(code: number | undefined): string {
  if (code === undefined) return "no status";
  return statusCodeName(code) ?? String(code);
}

function stateLine(state: InputState): string {
  const described = [state.description, state.details].filter(Boolean).join(": ");
  return `    ${state.id}  ${stateName(state.code)}${described ? ` (${described})` : ""}`;
}

function listed<T>(title: string, items: readonly T[], line: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, TEXT_LIST_LIMIT).map(line);
  const more = items.length - shown.length;
  return [
    `  ${title}:`,
    ...shown,
    ...(more > 0 ? [`    … and ${more} more (--format json lists them all)`] : []),
  ];
}

export function renderManifestStatusText(
  manifest: { path: string; name: string },
  target: PlanTarget,
  status: ManifestStatus,
): string {
  const s = status;
  const pendingByState = new Map<string, number>();
  for (const p of s.pending) {
    const name = stateName(p.code);
    pendingByState.set(name, (pendingByState.get(name) ?? 0) + 1);
  }
  const pendingDetail =
    s.pending.length === 0
      ? ""
      : ` (${[...pendingByState].map(([name, n]) => `${n} ${name}`).join(", ")})`;
  const lines = [
    `Manifest ${manifest.name} (${manifest.path}) in ${targetLabel(target)}:`,
    `  ${s.declared} declared: ${s.indexed} indexed, ${s.pending.length} pending${pendingDetail}, ${s.failed.length} failed, ${s.missing.length} missing.`,
    ...listed("Failed", s.failed, stateLine),
    ...listed("Pending", s.pending, stateLine),
    ...listed("Missing", s.missing, (id) => `    ${id}`),
    `  Not declared: ${s.ownedUndeclared} owned by ${manifest.name} (\`plan --prune\` would delete them), ${s.unmanaged} unmanaged.`,
  ];
  if (s.concepts.length > 0) {
    const width = Math.max(...s.concepts.map((c) => c.id.length));
    lines.push("  Concepts (inputs marked present: declared / live):");
    for (const c of s.concepts) {
      const drift = c.declared === c.live ? "" : "  ≠";
      lines.push(`    ${c.id.padEnd(width)}  ${c.declared} / ${c.live}${drift}`);
    }
  }
  lines.push(verdict(s));
  return lines.join("\n");
}

function verdict(s: ManifestStatus): string {
  if (s.failed.length > 0)
    return `${s.failed.length} declared ${s.failed.length === 1 ? "input" : "inputs"} failed; \`dataset apply\` re-creates failed inputs.`;
  if (s.missing.length > 0)
    return "Some declared inputs are missing; `dataset apply` creates them.";
  if (s.pending.length > 0) return "Some declared inputs are still being indexed.";
  return "Every declared input is present and indexed.";
}

export function renderManifestStatusJson(
  manifest: { path: string; name: string },
  target: PlanTarget,
  status: ManifestStatus,
): string {
  const state = (p: InputState) => ({
    id: p.id,
    code: p.code ?? null,
    status: p.code === undefined ? null : (statusCodeName(p.code) ?? null),
    description: p.description ?? null,
    details: p.details ?? null,
  });
  return JSON.stringify(
    {
      format_version: 1,
      manifest,
      target,
      summary: {
        declared: status.declared,
        indexed: status.indexed,
        pending: status.pending.length,
        failed: status.failed.length,
        missing: status.missing.length,
        owned_undeclared: status.ownedUndeclared,
        unmanaged: status.unmanaged,
      },
      pending: status.pending.map(state),
      failed: status.failed.map(state),
      missing: status.missing,
      concepts: status.concepts,
    },
    null,
    2,
  );
}
