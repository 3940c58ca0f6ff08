import type { ApiInput } from "../api/types.js";
import type { PlannedInput } from "../plan/types.js";
import { runBounded } from "../util/pool.js";
import type { Sleep } from "./poll.js";
import type { RunState } from "./run-state.js";

/**
 * Runs `work` over batches of `items`, then again over the inputs it asked to retry, with a
 * growing pause, at most `retries` more times.
 *
 * This is a second retry layer on top of the client's, and it earns its place: the client retries
 * a whole request that failed, but a batch answered MIXED_STATUS succeeded as a request; only some
 * of its inputs got a retryable per-input status (the server was busy for them), and only the
 * applier can send those again, alone.
 */
export async function inPasses(
  run: RunState,
  options: { retries: number; sleep: Sleep },
  items: PlannedInput[],
  batchesOf: (pending: PlannedInput[]) => PlannedInput[][],
  work: (batch: PlannedInput[], lastPass: boolean, retry: PlannedInput[]) => Promise<void>,
): Promise<void> {
  let pending = items;
  const passes = options.retries + 1;
  for (let pass = 0; pass < passes && pending.length > 0 && !run.stopped; pass++) {
    if (pass > 0) {
      run.retryEvent(pending.length);
      await options.sleep(1000 * 2 ** (pass - 1), run.signal);
    }
    const retry: PlannedInput[] = [];
    const lastPass = pass === passes - 1;
    await runBounded(batchesOf(pending), run.lanes, (batch) => work(batch, lastPass, retry));
    pending = retry;
  }
}

/**
 * The reply's input for each sent input, matched by id. Position is trusted only for an echoed
 * input without an id in a reply of the same length, so one input can never take another's status.
 */
export function echoedInputs(
  replied: ApiInput[],
  sent: readonly { id: string }[],
): (ApiInput | undefined)[] {
  const byId = new Map<string, ApiInput>();
  for (const input of replied) if (input.id) byId.set(input.id, input);
  return sent.map((s, index) => {
    const found = byId.get(s.id);
    if (found !== undefined) return found;
    const atIndex = replied.length === sent.length ? replied[index] : undefined;
    return atIndex !== undefined && !atIndex.id ? atIndex : undefined;
  });
}
