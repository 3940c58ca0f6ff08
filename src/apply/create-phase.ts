import type { InputsApi } from "../api/client-types.js";
import type { ApiInput, ApiStatus } from "../api/types.js";
import { liveMatchesPlanned } from "../plan/compare.js";
import type { PlannedInput } from "../plan/types.js";
import { type ReadFile, toPostInput } from "./encode.js";
import { echoedInputs, inPasses } from "./passes.js";
import type { Sleep } from "./poll.js";
import { chunk, chunkBySize } from "./queue.js";
import { errorText, type RunState } from "./run-state.js";
import {
  describeStatus,
  indexState,
  isAcceptedInputStatus,
  isDuplicateIdStatus,
  isRetryableInputStatus,
} from "./status-codes.js";

export const BATCH_SIZE = 128;
/**
 * Base64 bytes per PostInputs request at most. The API refuses requests over 128 MB; staying far
 * below keeps memory bounded too (each batch in flight holds its bytes, base64 and JSON body).
 */
export const MAX_BATCH_BASE64_BYTES = 32 * 1024 * 1024;

/** One input to post: a new one, or the new version of a replaced one. */
export interface ToPost {
  planned: PlannedInput;
  replaced: boolean;
}

/** Each written id with its indexing state as the reply (or the live input) showed it. */
export type Written = Map<string, "pending" | "done">;

export interface CreateOptions {
  /** Directory the plan's file paths are relative to, and how to read them. */
  baseDir: string;
  readFile: ReadFile;
  retries: number;
  sleep: Sleep;
  maxBatchBytes: number;
}

type PostOutcome = { planned: PlannedInput; status: ApiStatus | undefined };

/** Estimated base64 bytes a planned input adds to a PostInputs body. */
function postedBytes(planned: PlannedInput): number {
  const image = planned.data.image;
  return "file" in image ? Math.ceil(image.file.size / 3) * 4 : 0;
}

/** PostInputs in batches of at most 128 inputs and `maxBatchBytes` of file bytes. */
export async function createInputs(
  run: RunState,
  items: ToPost[],
  options: CreateOptions,
): Promise<Written> {
  const written: Written = new Map();
  if (items.length === 0 || run.stopped) return written;
  const replacedIds = new Set(items.filter((i) => i.replaced).map((i) => i.planned.id));
  const accept = (id: string, status: ApiStatus | undefined) => {
    if (indexState(status) === "failed") {
      run.fail(id, "create", describeStatus(status), status?.code);
      return;
    }
    written.set(id, indexState(status) === "done" ? "done" : "pending");
    run.settled.add(id);
    (replacedIds.has(id) ? run.report.replaced : run.report.created).push(id);
  };

  run.begin("create", items.length);
  await inPasses(
    run,
    options,
    items.map((i) => i.planned),
    (pending) => chunkBySize(pending, BATCH_SIZE, options.maxBatchBytes, postedBytes),
    async (batch, lastPass, retry) => {
      // Counted as this batch's accepts happen: other batches finish during its awaits.
      let added = 0;
      const acceptHere = (id: string, status: ApiStatus | undefined) => {
        const had = written.size;
        accept(id, status);
        added += written.size - had;
      };
      const outcome = await postBatch(run, batch, options);
      for (const { planned, status } of outcome.accepted) acceptHere(planned.id, status);
      for (const { planned, status } of outcome.retryable) {
        if (lastPass) run.fail(planned.id, "create", describeStatus(status), status?.code);
        else retry.push(planned);
      }
      if (outcome.duplicates.length > 0) {
        const lives = await fetchLive(
          run,
          outcome.duplicates.map((d) => d.planned.id),
        );
        for (const { planned, status } of outcome.duplicates) {
          const live = lives.get(planned.id);
          if (live !== undefined && liveMatchesPlanned(live, planned)) {
            // An earlier, interrupted run (or a retried request whose reply was lost) wrote it.
            acceptHere(planned.id, live.status);
          } else if (replacedIds.has(planned.id) && !lastPass) {
            retry.push(planned); // the API may still be finishing the delete
          } else {
            run.fail(
              planned.id,
              "create",
              `${describeStatus(status)} (an input with this id already exists with other content; run \`dataset plan\` again)`,
              status?.code,
            );
          }
        }
      }
      run.advance("create", added);
    },
  );
  run.end("create");
  return written;
}

async function postBatch(run: RunState, batch: PlannedInput[], options: CreateOptions) {
  const accepted: PostOutcome[] = [];
  const retryable: PostOutcome[] = [];
  const duplicates: PostOutcome[] = [];
  const bodies: ApiInput[] = [];
  const sent: PlannedInput[] = [];
  for (const planned of batch) {
    try {
      bodies.push(await toPostInput(planned, options));
      sent.push(planned);
    } catch (error) {
      run.fail(planned.id, "create", errorText(error));
    }
  }
  if (bodies.length === 0) return { accepted, retryable, duplicates };
  let reply: Awaited<ReturnType<InputsApi["postInputs"]>>;
  try {
    run.report.requests.post++;
    reply = await run.api.postInputs(bodies, { stopRetrying: run.signal });
    run.requestSucceeded();
  } catch (error) {
    run.requestFailed(error);
    for (const planned of sent) run.fail(planned.id, "create", errorText(error));
    return { accepted, retryable, duplicates };
  }
  const echoed = echoedInputs(reply.inputs, sent);
  sent.forEach((planned, index) => {
    const input = echoed[index];
    const status = input?.status;
    if (input === undefined) retryable.push({ planned, status: reply.status });
    else if (isAcceptedInputStatus(status)) accepted.push({ planned, status });
    else if (isDuplicateIdStatus(status)) duplicates.push({ planned, status });
    else if (status !== undefined && isRetryableInputStatus(Number(status.code)))
      retryable.push({ planned, status });
    else run.fail(planned.id, "create", describeStatus(status), status?.code);
  });
  return { accepted, retryable, duplicates };
}

async function fetchLive(run: RunState, ids: string[]): Promise<Map<string, ApiInput>> {
  const lives = new Map<string, ApiInput>();
  for (const batch of chunk(ids, BATCH_SIZE)) {
    try {
      run.report.requests.poll++;
      for (const live of await run.api.listInputsByIds(batch, { stopRetrying: run.signal })) {
        lives.set(live.id, live);
      }
    } catch {
      // Unknown: leave these ids out, so they are reported as conflicts, never assumed done.
    }
  }
  return lives;
}
