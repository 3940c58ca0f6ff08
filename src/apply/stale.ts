import { resolve } from "node:path";
import type { InputsApi } from "../api/client-types.js";
import type { ApiInput } from "../api/types.js";
import type { Plan } from "../plan/types.js";
import { runBounded } from "../util/pool.js";
import type { ReadFile } from "./encode.js";
import { sha256Hex } from "./file-hash.js";
import { chunk } from "./queue.js";

/**
 * An RFC 3339 timestamp reduced to a comparable key: the API writes 6 or 9 fractional digits for
 * the same instant, so fractions are padded to nanoseconds before comparing.
 */
export function instantKey(timestamp: string | null | undefined): string | null {
  if (timestamp === null || timestamp === undefined) return null;
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(timestamp);
  if (m === null) return timestamp;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  return `${seconds}.${(m[2] ?? "").padEnd(9, "0")}`;
}

/**
 * A saved plan is applied only while it is still true (contract §5): every id it creates is still
 * absent, every other id it touches still has the `modified_at` the plan saw, and every file still
 * has its recorded sha256. Returns the reasons it is stale (empty when it is not). Reads only.
 */
export async function findStaleReasons(options: {
  plan: Plan;
  api: InputsApi;
  baseDir: string;
  readFile: ReadFile;
  concurrency: number;
}): Promise<string[]> {
  const { plan, api } = options;
  const reasons: string[] = [];
  const live = new Map<string, ApiInput>();
  await runBounded(
    chunk(
      plan.changes.map((c) => c.id),
      128,
    ),
    options,
    async (ids) => {
      for (const input of await api.listInputsByIds(ids)) live.set(input.id, input);
    },
  );
  for (const change of plan.changes) {
    const now = live.get(change.id);
    if (change.action === "create") {
      if (now !== undefined) reasons.push(`${change.id} now exists in the app`);
    } else if (now === undefined) {
      reasons.push(`${change.id} is no longer in the app`);
    } else if (instantKey(now.modified_at) !== instantKey(change.live_modified_at)) {
      reasons.push(
        `${change.id} was modified at ${now.modified_at ?? "an unknown time"} after the plan was made`,
      );
    }
    if (change.action !== "delete") {
      const image = change.after.data.image;
      if ("file" in image) {
        let actual: string;
        try {
          actual = sha256Hex(await options.readFile(resolve(options.baseDir, image.file.path)));
        } catch {
          actual = "missing";
        }
        if (actual !== image.file.sha256)
          reasons.push(`${image.file.path} changed since the plan was made`);
      }
    }
  }
  return reasons;
}
