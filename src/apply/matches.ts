import type { ApiInput } from "../api/types.js";
import { jsonEqual } from "../plan/canonical.js";
import type { PlannedInput } from "../plan/types.js";

function conceptSet(concepts: readonly { id: string; value?: number }[] | undefined): string {
  return (concepts ?? [])
    .map((c) => `${c.id}=${c.value === undefined ? 1 : Number(c.value)}`)
    .sort()
    .join("\n");
}

/**
 * Whether a live input already is what the plan would write: used when a create is answered with
 * "duplicate ID" (an earlier, interrupted run may have written it). Compares the image (URL, or
 * the sha256 recorded in the ownership marker), the concepts as a set and the whole metadata,
 * marker included, with the same JSON equality the planner uses.
 */
export function liveMatchesPlanned(live: ApiInput, planned: PlannedInput): boolean {
  const image = planned.data.image;
  const liveMeta = (live.data?.metadata ?? {}) as Record<string, unknown>;
  if ("file" in image) {
    const marker = liveMeta._dataset as { sha256?: unknown } | undefined;
    if (marker?.sha256 !== image.file.sha256 || live.data?.image?.url) return false;
  } else if ((live.data?.image?.url ?? "").trim() !== image.url.trim()) {
    return false;
  }
  return (
    conceptSet(live.data?.concepts) === conceptSet(planned.data.concepts) &&
    jsonEqual(liveMeta, planned.data.metadata)
  );
}
