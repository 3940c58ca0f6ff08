import type { AdoptChange, UpdateChange } from "../plan/types.js";
import { BATCH_SIZE } from "./create-phase.js";
import { toPatchInput } from "./encode.js";
import { echoedInputs, inPasses } from "./passes.js";
import type { Sleep } from "./poll.js";
import { chunk } from "./queue.js";
import { errorText, type RunState } from "./run-state.js";
import { describeStatus, isAcceptedInputStatus, isRetryableInputStatus } from "./status-codes.js";

/**
 * PatchInputs with overwrite: concepts and metadata exactly as planned; the media stays, and a
 * live `geo` is sent back unchanged so that overwrite does not drop it. An adopt is the same
 * patch: it only adds the marker.
 */
export async function updateInputs(
  run: RunState,
  changes: (UpdateChange | AdoptChange)[],
  options: { retries: number; sleep: Sleep },
): Promise<void> {
  if (changes.length === 0 || run.stopped) return;
  const liveGeo = new Map(changes.map((c) => [c.id, c.before.data?.geo]));
  run.begin("update", changes.length);
  await inPasses(
    run,
    options,
    changes.map((c) => c.after),
    (pending) => chunk(pending, BATCH_SIZE),
    async (batch, lastPass, retry) => {
      let updated = 0;
      try {
        run.report.requests.patch++;
        const reply = await run.api.patchInputs(
          batch.map((planned) => toPatchInput(planned, liveGeo.get(planned.id))),
          "overwrite",
          { stopRetrying: run.signal },
        );
        run.requestSucceeded();
        const echoed = echoedInputs(reply.inputs, batch);
        batch.forEach((planned, index) => {
          const status = echoed[index]?.status ?? reply.status;
          if (isAcceptedInputStatus(status)) {
            run.settled.add(planned.id);
            run.report.updated.push(planned.id);
            updated++;
          } else if (!lastPass && isRetryableInputStatus(Number(status.code))) {
            retry.push(planned);
          } else {
            run.fail(planned.id, "update", describeStatus(status), status.code);
          }
        });
      } catch (error) {
        run.requestFailed(error);
        for (const planned of batch) run.fail(planned.id, "update", errorText(error));
      }
      run.advance("update", updated);
    },
  );
  run.end("update");
}
