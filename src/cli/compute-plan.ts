import { dirname, resolve } from "node:path";
import type { InputsApi } from "../api/client-types.js";
import type { Manifest } from "../manifest/types.js";
import { buildPlan, createDiffer } from "../plan/index.js";
import type { Plan, PlanTarget } from "../plan/types.js";

export interface LivePlan {
  plan: Plan;
  /** Live inputs this manifest owns (its `_dataset.manifest` marker), for the mass-delete guard. */
  owned: number;
  /** StreamInputs pages read. */
  pages: number;
}

/**
 * Streams the live app page by page into the pure differ, so memory holds one page plus the
 * desired index and the changes, then assembles the plan.
 */
export async function computeLivePlan(options: {
  manifest: Manifest;
  api: InputsApi;
  target: PlanTarget;
  prune: boolean;
  cwd: string;
  signal?: AbortSignal;
}): Promise<LivePlan> {
  const { manifest } = options;
  const differ = createDiffer({
    manifestName: manifest.name,
    desired: manifest.inputs,
    prune: options.prune,
    manifestDir: dirname(resolve(options.cwd, manifest.path)),
  });
  let pages = 0;
  for await (const page of options.api.streamInputs({ signal: options.signal })) {
    pages++;
    for (const input of page) differ.observe(input);
  }
  const { changes, summary, live } = differ.finish();
  const plan = buildPlan({
    manifest: { path: manifest.path, name: manifest.name, sha256: manifest.sha256 },
    target: options.target,
    prune: options.prune,
    changes,
    summary,
    live,
  });
  return { plan, owned: live.owned, pages };
}
