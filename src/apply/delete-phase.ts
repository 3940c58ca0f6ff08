import { ApiError } from "../api/errors.js";
import { StatusCode } from "../api/types.js";
import { runBounded } from "../util/pool.js";
import { growingDelay, listByIds, pollUntil, type Sleep } from "./poll.js";
import { chunk } from "./queue.js";
import { errorText, type RunState } from "./run-state.js";

/** Ids per DeleteInputs and per ListInputs request (the API's limit for both). */
const DELETE_BATCH_SIZE = 128;

/** DeleteInputs in batches; returns the ids whose delete the API accepted (or already gone). */
export async function deleteInputs(run: RunState, ids: string[]): Promise<Set<string>> {
  const ok = new Set<string>();
  if (ids.length === 0 || run.stopped) return ok;
  run.begin("delete", ids.length);
  await runBounded(chunk(ids, DELETE_BATCH_SIZE), run.lanes, async (batch) => {
    try {
      run.report.requests.delete++;
      await run.api.deleteInputs(batch, { stopRetrying: run.signal });
      run.requestSucceeded();
    } catch (error) {
      if (!(error instanceof ApiError && error.statusCode === StatusCode.CONN_DOES_NOT_EXIST)) {
        run.requestFailed(error);
        for (const id of batch) run.fail(id, "delete", errorText(error));
        run.advance("delete", 0);
        return;
      }
      if (!(await deleteThoseStillThere(run, batch))) {
        run.advance("delete", 0);
        return;
      }
    }
    for (const id of batch) ok.add(id);
    run.advance("delete", batch.length);
  });
  run.end("delete");
  return ok;
}

/**
 * The API refuses a whole delete batch when one id is already gone (deleted meanwhile, or by an
 * interrupted run): delete the ones still there, and count the missing ones as deleted.
 */
async function deleteThoseStillThere(run: RunState, batch: string[]): Promise<boolean> {
  try {
    run.report.requests.delete++;
    const present = await run.api.listInputsByIds(batch, { stopRetrying: run.signal });
    if (present.length > 0) {
      run.report.requests.delete++;
      await run.api.deleteInputs(
        present.map((input) => input.id),
        { stopRetrying: run.signal },
      );
    }
    run.requestSucceeded();
    return true;
  } catch (error) {
    run.requestFailed(error);
    for (const id of batch) run.fail(id, "delete", errorText(error));
    return false;
  }
}

/**
 * Deletion is asynchronous in the API: an id (and its URL) is free again only once the input is
 * gone. Confirms with ListInputs by ids, 128 ids a request, never one request per id: an input
 * being deleted is still listed (it is visible everywhere until purged, as GetInput shows it too;
 * see src/emulator/README.md), so an id absent from the list is one GetInput would answer 11101
 * for. Should a real API hide a deleting input from the list sooner, the repost meets "duplicate
 * ID" and the create phase tries that input again in a later pass.
 */
export async function confirmDeleted(
  run: RunState,
  ids: string[],
  timing: { timeoutMs: number; sleep: Sleep; now: () => number },
): Promise<Set<string>> {
  const gone = new Set<string>();
  if (ids.length === 0 || run.stopped) return gone;
  run.begin("confirm-delete", ids.length);
  let pending = ids;
  const end = await pollUntil(
    {
      ...timing,
      signal: run.signal,
      firstDelayMs: 0,
      nextDelayMs: growingDelay(200, 3000),
    },
    async () => {
      const still: string[] = [];
      await runBounded(chunk(pending, DELETE_BATCH_SIZE), run.lanes, async (batch) => {
        run.report.requests.confirm++;
        const listed = await listByIds(run.api, batch, run.signal);
        let freed = 0;
        for (const id of batch) {
          if (listed === undefined || listed.has(id)) still.push(id);
          else {
            gone.add(id);
            freed++;
          }
        }
        run.advance("confirm-delete", freed);
      });
      // Batches never started (stopped) stay pending.
      const asked = new Set([...gone, ...still]);
      pending = [...still, ...pending.filter((id) => !asked.has(id))];
      return pending.length === 0;
    },
  );
  if (end === "timeout") {
    const seconds = Math.round(timing.timeoutMs / 1000);
    for (const id of pending) {
      run.fail(
        id,
        "confirm-delete",
        `the API had not finished deleting it after ${seconds} s; it was not posted again`,
      );
    }
  }
  run.end("confirm-delete");
  return gone;
}
