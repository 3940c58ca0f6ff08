import { isRecord } from "../util/is-record.js";
import { sortKeysDeep } from "./canonical.js";
import { type Change, type Plan, SUMMARY_KEYS } from "./types.js";

/**
 * The plan for programs (contract §3) and the `--out` file: `format_version: 1`, every change,
 * keys in a fixed order (the contract's, then any others sorted), metadata keys sorted, 2-space
 * indentation and a trailing newline. Same plan in, same bytes out.
 */
export function renderPlanJson(plan: Plan): string {
  return [...renderPlanJsonChunks(plan)].join("");
}

/**
 * The same text as {@link renderPlanJson} in pieces (the header, then one per change), so a
 * plan with a million changes can be written out without building one huge string.
 */
export function* renderPlanJsonChunks(plan: Plan): Generator<string> {
  const head = ordered(plan as unknown as Record<string, unknown>, PLAN_KEYS, orderPlanMember);
  delete head.changes;
  const headText = JSON.stringify(head, null, 2);
  // Reopen the header object to append "changes" as its last member.
  yield `${headText.slice(0, -2)},\n  "changes": [`;
  let first = true;
  for (const change of plan.changes) {
    const text = JSON.stringify(orderChange(change), null, 2).replaceAll("\n", "\n    ");
    yield `${first ? "" : ","}\n    ${text}`;
    first = false;
  }
  yield first ? "]\n}\n" : "\n  ]\n}\n";
}

const PLAN_KEYS = [
  "format_version",
  "manifest",
  "target",
  "options",
  "summary",
  "live",
  "conflicts",
  "changes",
];
const CHANGE_KEYS = ["action", "id", "reason", "reasons", "before", "after", "live_modified_at"];
const INPUT_KEYS = ["id", "data", "created_at", "modified_at", "status"];
const DATA_KEYS = ["image", "concepts", "metadata"];
const IMAGE_KEYS = ["url", "allow_duplicate_url", "file"];

type Orderer = (key: string, value: unknown) => unknown;

/** A copy with `keys` first in that order, then the remaining keys sorted. */
function ordered(
  value: Record<string, unknown>,
  keys: readonly string[],
  member: Orderer = (_key, v) => sortKeysDeep(v),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = member(key, value[key]);
  for (const key of Object.keys(value).sort()) {
    if (!keys.includes(key) && value[key] !== undefined) out[key] = member(key, value[key]);
  }
  return out;
}

function orderPlanMember(key: string, value: unknown): unknown {
  if (key === "manifest" && isRecord(value)) return ordered(value, ["path", "name", "sha256"]);
  if (key === "target" && isRecord(value))
    return ordered(value, ["api_base", "user_id", "app_id", "local"]);
  if (key === "summary" && isRecord(value)) return ordered(value, SUMMARY_KEYS);
  if (key === "live" && isRecord(value)) return ordered(value, ["total", "owned", "prunable"]);
  if (key === "conflicts" && Array.isArray(value)) {
    return value.map((c) => (isRecord(c) ? ordered(c, ["id", "url", "live_id", "prunable"]) : c));
  }
  return sortKeysDeep(value);
}

function orderInput(value: unknown): unknown {
  if (!isRecord(value)) return sortKeysDeep(value);
  return ordered(value, INPUT_KEYS, (key, member) => {
    if (key === "status" && isRecord(member))
      return ordered(member, ["code", "description", "details"]);
    if (key !== "data" || !isRecord(member)) return sortKeysDeep(member);
    return ordered(member, DATA_KEYS, (dataKey, dataMember) => {
      if (dataKey === "image" && isRecord(dataMember)) {
        return ordered(dataMember, IMAGE_KEYS, (imageKey, imageMember) =>
          imageKey === "file" && isRecord(imageMember)
            ? ordered(imageMember, ["path", "sha256", "size"])
            : sortKeysDeep(imageMember),
        );
      }
      if (dataKey === "concepts" && Array.isArray(dataMember)) {
        return dataMember.map((c) => (isRecord(c) ? ordered(c, ["id", "value"]) : c));
      }
      return sortKeysDeep(dataMember);
    });
  });
}

function orderChange(change: Change): Record<string, unknown> {
  return ordered(change as unknown as Record<string, unknown>, CHANGE_KEYS, (key, value) =>
    key === "before" || key === "after" ? orderInput(value) : sortKeysDeep(value),
  );
}
