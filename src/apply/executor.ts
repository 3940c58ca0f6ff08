import type { InputsApi } from "../api/client-types.js";
import type { InputCounts } from "../api/types.js";
import type { AdoptChange, Change, Plan, UpdateChange } from "../plan/types.js";
import { createInputs, MAX_BATCH_BASE64_BYTES, type ToPost, type Written } from "./create-phase.js";
import { confirmDeleted, deleteInputs } from "./delete-phase.js";
import type { ReadFile } from "./encode.js";
import { abortableSleep, type Sleep } from "./poll.js";
import { RunState } from "./run-state.js";
import type { ApplyEvent, ApplyReport, NotDone } from "./types.js";
import { updateInputs } from "./update-phase.js";
import { waitForIndexing } from "./wait.js";

export interface ApplyOptions {
  plan: Plan;
  api: InputsApi;
  /** Directory that the plan's file paths are relative to (the root manifest's directory). */
  baseDir: string;
  readFile: ReadFile;
  /** Requests in flight at once. */
  concurrency: number;
  /** Aborting stops new work and new retry attempts; requests in flight finish. */
  signal?: AbortSignal | undefined;
  /** Wait for the written inputs to finish indexing. */
  wait: { enabled: boolean; timeoutMs: number };
  onEvent?: ((event: ApplyEvent) => void) | undefined;
  sleep?: Sleep;
  now?: () => number;
  /** Extra passes for inputs that failed with a retryable per-input status. */
  inputRetries?: number;
  /** How long to wait for the API to finish deleting an id before posting it again. */
  deleteConfirmTimeoutMs?: number;
  /** File bytes (base64) per PostInputs request at most; default {@link MAX_BATCH_BASE64_BYTES}. */
  maxBatchBytes?: number;
}

/**
 * Makes the app match a plan: deletes (replaced, recreated and pruned inputs) first and, for ids
 * (or URLs) that will be posted again, waits until the API confirms they are gone; then creates in
 * batches of at most 128 inputs (and at most 32 MB of file bytes), then patches updates
 * (overwrite), then waits for indexing of what it wrote. Never throws for per-input or per-batch
 * failures: everything lands in the report.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const run = new RunState(options.api, options.concurrency, options);
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const passes = { retries: options.inputRetries ?? 3, sleep };
  const changes = options.plan.changes;
  const reposts = changes.filter((c) => c.action === "replace" || c.action === "recreate");
  const prunes = changes.filter((c) => c.action === "delete");

  const deleted = await deleteInputs(
    run,
    [...prunes, ...reposts].map((c) => c.id),
  );
  for (const c of prunes) {
    if (deleted.has(c.id)) {
      run.report.deleted.push(c.id);
      run.settled.add(c.id);
    }
  }
  const freed = await confirmDeleted(
    run,
    idsToConfirm(changes).filter((id) => deleted.has(id)),
    { timeoutMs: options.deleteConfirmTimeoutMs ?? 120_000, sleep, now },
  );

  const toPost: ToPost[] = [];
  for (const c of changes) {
    if (c.action === "create") toPost.push({ planned: c.after, replaced: false });
    if ((c.action === "replace" || c.action === "recreate") && freed.has(c.id)) {
      toPost.push({ planned: c.after, replaced: true });
    }
  }
  const waiting = options.wait.enabled && toPost.length > 0;
  // The gate for the indexing wait: counts before anything is posted (one request).
  const countsBefore = waiting && !run.stopped ? await readCounts(run) : undefined;
  const written = await createInputs(run, toPost, {
    baseDir: options.baseDir,
    readFile: options.readFile,
    maxBatchBytes: options.maxBatchBytes ?? MAX_BATCH_BASE64_BYTES,
    ...passes,
  });
  await updateInputs(
    run,
    changes.filter(
      (c): c is UpdateChange | AdoptChange => c.action === "update" || c.action === "adopt",
    ),
    passes,
  );

  run.report.waited = options.wait.enabled;
  if (options.wait.enabled && written.size > 0 && !run.stopped) {
    await waitPhase(run, written, countsBefore, { timeoutMs: options.wait.timeoutMs, sleep, now });
  } else {
    for (const [id, state] of written) if (state === "done") run.report.indexed.push(id);
  }
  run.report.notDone = notDone(changes, run.settled, deleted);
  return run.report;
}

/**
 * An id, and the URL of an input being deleted, stay taken until the API has finished deleting:
 * confirm reposted ids, and pruned inputs whose URL a new input reuses.
 */
function idsToConfirm(changes: readonly Change[]): string[] {
  const postedUrls = new Set<string>();
  for (const c of changes) {
    if (c.action !== "create" && c.action !== "replace" && c.action !== "recreate") continue;
    if ("url" in c.after.data.image) postedUrls.add(c.after.data.image.url.trim());
  }
  return changes
    .filter(
      (c) =>
        c.action === "replace" ||
        c.action === "recreate" ||
        (c.action === "delete" && postedUrls.has((c.before.data?.image?.url ?? "").trim())),
    )
    .map((c) => c.id);
}

async function readCounts(run: RunState): Promise<InputCounts | undefined> {
  try {
    run.report.requests.poll++;
    return await run.api.getInputCount({ stopRetrying: run.signal });
  } catch {
    return undefined; // the wait lists ids instead
  }
}

async function waitPhase(
  run: RunState,
  written: Written,
  countsBefore: InputCounts | undefined,
  timing: { timeoutMs: number; sleep: Sleep; now: () => number },
): Promise<void> {
  run.begin("wait", written.size);
  const result = await waitForIndexing({
    api: run.api,
    ids: [...written].filter(([, state]) => state === "pending").map(([id]) => id),
    alreadyDone: [...written].filter(([, state]) => state === "done").map(([id]) => id),
    countsBefore,
    concurrency: run.concurrency,
    signal: run.signal,
    ...timing,
    onProgress: (indexed) => run.estimate("wait", indexed),
    onRequest: () => run.report.requests.poll++,
  });
  run.report.indexed.push(...result.indexed);
  run.report.pollRounds = result.rounds;
  for (const f of result.failed) run.fail(f.id, "wait", f.description, f.code);
  run.report.stillIndexing.push(...result.pending);
  run.end("wait");
}

/** The planned changes not settled, typed by how far they got. */
function notDone(
  changes: readonly Change[],
  settled: ReadonlySet<string>,
  deleted: ReadonlySet<string>,
): NotDone[] {
  return changes
    .filter((c) => !settled.has(c.id))
    .map((c): NotDone => {
      if ((c.action === "replace" || c.action === "recreate") && deleted.has(c.id)) {
        return { id: c.id, action: c.action, state: "deleted-not-reposted" };
      }
      return { id: c.id, action: c.action, state: "not-started" };
    });
}
