import type { InputsApi } from "../api/client-types.js";
import type { ApiInput } from "../api/types.js";
import type { Manifest } from "../manifest/types.js";
import { createDiffer } from "./diff.js";
import { buildPlan } from "./plan.js";
import type { Plan, PlanTarget } from "./types.js";

/** What {@link planLiveApp} needs: the manifest, where to read the live app, and the options. */
export interface LivePlanRequest {
  manifest: Pick<Manifest, "path" | "name" | "sha256" | "inputs">;
  /** The live app: the API client, or anything that streams its inputs page by page. */
  api: Pick<InputsApi, "streamInputs">;
  /** Recorded in the plan (the target it was made for). */
  target: PlanTarget;
  prune: boolean;
  /**
   * Absolute directory of the root manifest: file paths in the plan are relative to it. Without
   * it, absolute paths are recorded.
   */
  manifestDir?: string;
  signal?: AbortSignal;
  /**
   * The sha256 of a live input's image bytes, for the few byte uploads that carry no recorded
   * sha256 but are declared as files (see `needsImageHash`); undefined when they cannot be read.
   * Without it such inputs plan as a replace.
   */
  hashLiveImage?: (input: ApiInput, signal?: AbortSignal) => Promise<string | undefined>;
}

export interface LivePlan {
  plan: Plan;
  /** Live inputs this manifest owns (its `_dataset.manifest` marker), for the mass-delete guard. */
  owned: number;
  /** StreamInputs pages read. */
  pages: number;
}

/**
 * The planning entry point: streams the live app page by page into the pure differ, so memory
 * holds one page plus the desired index and the changes, then assembles the plan. No I/O but the
 * injected `api`.
 */
export async function planLiveApp(request: LivePlanRequest): Promise<LivePlan> {
  const { manifest } = request;
  const differ = createDiffer({
    manifestName: manifest.name,
    desired: manifest.inputs,
    prune: request.prune,
    ...(request.manifestDir === undefined ? {} : { manifestDir: request.manifestDir }),
  });
  let pages = 0;
  for await (const page of request.api.streamInputs({ signal: request.signal })) {
    pages++;
    for (const input of page) {
      const hash =
        request.hashLiveImage !== undefined && differ.wantsImageHash(input)
          ? await request.hashLiveImage(input, request.signal)
          : undefined;
      differ.observe(input, hash);
    }
  }
  const { changes, summary, live, conflicts } = differ.finish();
  const plan = buildPlan({
    manifest: { path: manifest.path, name: manifest.name, sha256: manifest.sha256 },
    target: request.target,
    prune: request.prune,
    changes,
    summary,
    live,
    conflicts,
  });
  return { plan, owned: live.owned, pages };
}
