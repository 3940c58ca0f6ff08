import type { InputsApi } from "../api/client-types.js";
import { ApiError, NetworkError } from "../api/errors.js";
import { type ApiInput, type ApiStatus, StatusCode } from "../api/types.js";
import { liveMatchesPlanned } from "../plan/compare.js";
import type { AdoptChange, Change, Plan, PlannedInput, UpdateChange } from "../plan/types.js";
import { type ReadFile, toPatchInput, toPostInput } from "./encode.js";
import { chunk, chunkBySize, runBounded } from "./queue.js";
import {
  describeStatus,
  indexState,
  isAcceptedInputStatus,
  isDuplicateIdStatus,
  isRetryableInputStatus,
} from "./status-codes.js";
import type { ApplyEvent, ApplyPhase, ApplyReport } from "./types.js";
import { waitForIndexing } from "./wait.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const BATCH_SIZE = 128;
/**
 * Base64 bytes per PostInputs request at most. The API refuses requests over 128 MB; staying far
 * below keeps memory bounded too (each batch in flight holds its bytes, base64 and JSON body).
 */
export const MAX_BATCH_BASE64_BYTES = 32 * 1024 * 1024;
/** Whole requests failing in a row, after the client's retries, before apply stops taking work. */
export const MAX_CONSECUTIVE_REQUEST_FAILURES = 3;

export interface ApplyOptions {
  plan: Plan;
  api: InputsApi;
  /** Directory that the plan's file paths are relative to (the root manifest's directory). */
  baseDir: string;
  readFile: ReadFile;
  /** Requests in flight at once. */
  concurrency: number;
  /** Aborting stops new work; requests in flight finish. */
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

/** Sleeps `ms`, or less when `signal` aborts. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A request that failed even after the client's retries because the API or network is down. */
function isOutage(error: unknown): boolean {
  return (error instanceof ApiError && error.retryable) || error instanceof NetworkError;
}

/** Estimated base64 bytes a planned input adds to a PostInputs body. */
function postedBytes(planned: PlannedInput): number {
  const image = planned.data.image;
  return "file" in image ? Math.ceil(image.file.size / 3) * 4 : 0;
}

/**
 * Makes the app match a plan: deletes (replaced, recreated and pruned inputs) first and, for ids
 * (or URLs) that will be posted again, waits until the API confirms they are gone; then creates in
 * batches of at most 128 inputs (and at most 32 MB of file bytes), then patches updates
 * (overwrite), then waits for indexing of what it wrote. Never throws for per-input or per-batch
 * failures: everything lands in the report.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const run = new ApplyRun(options);
  return run.execute();
}

type PostOutcome = { planned: PlannedInput; status: ApiStatus | undefined };

class ApplyRun {
  private readonly report: ApplyReport = {
    deleted: [],
    created: [],
    replaced: [],
    updated: [],
    indexed: [],
    failed: [],
    notDone: [],
    stillIndexing: [],
    interrupted: false,
    stopped: undefined,
    waited: false,
    requests: { delete: 0, confirm: 0, post: 0, patch: 0, poll: 0 },
    pollRounds: 0,
  };
  private readonly settled = new Set<string>();
  private readonly failures: Record<ApplyPhase, number> = {
    delete: 0,
    "confirm-delete": 0,
    create: 0,
    update: 0,
    wait: 0,
  };
  private readonly sleep: Sleep;
  private readonly now: () => number;
  /** Aborts on the user's signal, or when the API looks down (see `requestFailed`). */
  private readonly stop = new AbortController();
  private consecutiveFailures = 0;
  /** What runBounded needs: the concurrency and the stop signal. */
  private readonly lanes: { concurrency: number; signal: AbortSignal };

  constructor(private readonly o: ApplyOptions) {
    this.sleep = o.sleep ?? abortableSleep;
    this.now = o.now ?? Date.now;
    this.lanes = { concurrency: o.concurrency, signal: this.stop.signal };
    if (o.signal?.aborted) this.stop.abort();
    o.signal?.addEventListener("abort", () => this.stop.abort(), { once: true });
  }

  private emit(event: ApplyEvent): void {
    this.o.onEvent?.(event);
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private fail(id: string, phase: ApplyPhase, description: string, code?: number): void {
    this.settled.add(id);
    this.failures[phase]++;
    this.report.failed.push({ id, phase, code, description });
  }

  private requestSucceeded(): void {
    this.consecutiveFailures = 0;
  }

  /**
   * A whole request failed after the client's retries. When that keeps happening the API (or the
   * network) is down: stop taking new work rather than fail every remaining batch for hours.
   */
  private requestFailed(error: unknown): void {
    if (!isOutage(error)) return;
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= MAX_CONSECUTIVE_REQUEST_FAILURES && !this.stopped) {
      this.report.stopped = `${this.consecutiveFailures} requests in a row failed (${errorText(error)})`;
      this.stop.abort();
    }
  }

  async execute(): Promise<ApplyReport> {
    const changes = this.o.plan.changes;
    const reposts = changes.filter((c) => c.action === "replace" || c.action === "recreate");
    const prunes = changes.filter((c) => c.action === "delete");
    const creates = changes.filter((c) => c.action === "create");

    const deleted = await this.deletePhase([...prunes, ...reposts].map((c) => c.id));
    for (const c of prunes) {
      if (deleted.has(c.id)) {
        this.report.deleted.push(c.id);
        this.settled.add(c.id);
      }
    }
    // An id, and the URL of an input being deleted, stay taken until the API has finished
    // deleting: confirm reposted ids, and pruned inputs whose URL a new input reuses.
    const postedUrls = new Set<string>();
    for (const c of [...creates, ...reposts]) {
      if ("url" in c.after.data.image) postedUrls.add(c.after.data.image.url.trim());
    }
    const urlReused = prunes.filter((c) =>
      postedUrls.has((c.before.data?.image?.url ?? "").trim()),
    );
    const freed = await this.confirmDeletedPhase(
      [...reposts, ...urlReused].map((c) => c.id).filter((id) => deleted.has(id)),
    );

    const toPost: { planned: PlannedInput; replaced: boolean }[] = [];
    for (const c of changes) {
      if (c.action === "create") toPost.push({ planned: c.after, replaced: false });
      if ((c.action === "replace" || c.action === "recreate") && freed.has(c.id)) {
        toPost.push({ planned: c.after, replaced: true });
      }
    }
    const written = await this.createPhase(toPost);
    // An adopt is the same overwrite patch as an update: it only adds the marker.
    await this.updatePhase(
      changes.filter(
        (c): c is UpdateChange | AdoptChange => c.action === "update" || c.action === "adopt",
      ),
    );

    this.report.waited = this.o.wait.enabled;
    if (this.o.wait.enabled && written.size > 0 && !this.stopped) {
      const result = await waitForIndexing({
        api: this.o.api,
        ids: [...written].filter(([, state]) => state === "pending").map(([id]) => id),
        alreadyDone: [...written].filter(([, state]) => state === "done").map(([id]) => id),
        concurrency: this.o.concurrency,
        timeoutMs: this.o.wait.timeoutMs,
        signal: this.stop.signal,
        sleep: this.sleep,
        now: this.now,
        onEvent: (e) => this.emit(e),
      });
      this.report.indexed.push(...result.indexed);
      this.report.requests.poll += result.requests;
      this.report.pollRounds = result.rounds;
      for (const f of result.failed) this.report.failed.push({ ...f, phase: "wait" });
      this.report.stillIndexing.push(...result.pending);
    } else {
      for (const [id, state] of written) if (state === "done") this.report.indexed.push(id);
    }

    this.report.interrupted = this.o.signal?.aborted === true;
    this.report.notDone = changes
      .filter((c) => !this.settled.has(c.id))
      .map((c: Change) => ({
        id: c.id,
        action:
          c.action !== "delete" &&
          c.action !== "create" &&
          c.action !== "update" &&
          deleted.has(c.id)
            ? `${c.action}: deleted, not yet posted again`
            : c.action,
      }));
    return this.report;
  }

  /** DeleteInputs in batches; returns the ids whose delete the API accepted (or already gone). */
  private async deletePhase(ids: string[]): Promise<Set<string>> {
    const ok = new Set<string>();
    if (ids.length === 0) return ok;
    const total = ids.length;
    this.emit({ type: "phase.start", phase: "delete", total });
    await runBounded(chunk(ids, BATCH_SIZE), this.lanes, async (batch) => {
      try {
        this.report.requests.delete++;
        await this.o.api.deleteInputs(batch);
        this.requestSucceeded();
        for (const id of batch) ok.add(id);
      } catch (error) {
        if (error instanceof ApiError && error.statusCode === StatusCode.CONN_DOES_NOT_EXIST) {
          await this.deleteThoseStillThere(batch, ok);
        } else {
          this.requestFailed(error);
          for (const id of batch) this.fail(id, "delete", errorText(error));
        }
      }
      this.emit({
        type: "phase.progress",
        phase: "delete",
        done: ok.size,
        failed: this.failures.delete,
        total,
      });
    });
    this.emit({
      type: "phase.end",
      phase: "delete",
      done: ok.size,
      failed: this.failures.delete,
      total,
    });
    return ok;
  }

  /**
   * The API refuses a whole delete batch when one id is already gone (deleted meanwhile, or by an
   * interrupted run): delete the ones still there, and count the missing ones as deleted.
   */
  private async deleteThoseStillThere(batch: string[], ok: Set<string>): Promise<void> {
    try {
      this.report.requests.delete++;
      const present = (await this.o.api.listInputsByIds(batch)).map((input) => input.id);
      if (present.length > 0) {
        this.report.requests.delete++;
        await this.o.api.deleteInputs(present);
      }
      this.requestSucceeded();
      for (const id of batch) ok.add(id);
    } catch (error) {
      this.requestFailed(error);
      for (const id of batch) this.fail(id, "delete", errorText(error));
    }
  }

  /**
   * Deletion is asynchronous in the API: an id is free again only once GetInput answers
   * CONN_DOES_NOT_EXIST. Polls ListInputs (128 ids a request) until the ids are absent, then
   * confirms each with one GetInput.
   */
  private async confirmDeletedPhase(ids: string[]): Promise<Set<string>> {
    const gone = new Set<string>();
    if (ids.length === 0) return gone;
    const total = ids.length;
    const timeoutMs = this.o.deleteConfirmTimeoutMs ?? 120_000;
    const started = this.now();
    let pending = ids;
    let delay = 200;
    this.emit({ type: "phase.start", phase: "confirm-delete", total });
    while (pending.length > 0 && !this.stopped) {
      const absent: string[] = [];
      const stillThere: string[] = [];
      await runBounded(chunk(pending, BATCH_SIZE), this.lanes, async (batch) => {
        try {
          this.report.requests.confirm++;
          const listed = new Set((await this.o.api.listInputsByIds(batch)).map((i) => i.id));
          for (const id of batch) (listed.has(id) ? stillThere : absent).push(id);
        } catch {
          stillThere.push(...batch); // a failed poll proves nothing; ask again
        }
      });
      await runBounded(absent, this.lanes, async (id) => {
        try {
          this.report.requests.confirm++;
          if ((await this.o.api.getInput(id)) === undefined) gone.add(id);
          else stillThere.push(id);
        } catch {
          stillThere.push(id);
        }
      });
      this.emit({
        type: "phase.progress",
        phase: "confirm-delete",
        done: gone.size,
        failed: 0,
        total,
      });
      pending = stillThere;
      if (pending.length === 0) break;
      if (this.now() - started > timeoutMs) {
        for (const id of pending) {
          this.fail(
            id,
            "confirm-delete",
            `the API had not finished deleting it after ${Math.round(timeoutMs / 1000)} s; it was not posted again`,
          );
        }
        break;
      }
      await this.sleep(delay, this.stop.signal);
      delay = Math.min(delay * 1.5, 3000);
    }
    this.emit({
      type: "phase.end",
      phase: "confirm-delete",
      done: gone.size,
      failed: total - gone.size,
      total,
    });
    return gone;
  }

  /**
   * PostInputs in batches of at most 128 inputs and 32 MB of file bytes. Returns each written id
   * with its indexing state as the reply (or the live input) showed it.
   */
  private async createPhase(
    items: { planned: PlannedInput; replaced: boolean }[],
  ): Promise<Map<string, "pending" | "done">> {
    const written = new Map<string, "pending" | "done">();
    if (items.length === 0) return written;
    const total = items.length;
    const replacedIds = new Set(items.filter((i) => i.replaced).map((i) => i.planned.id));
    const accept = (id: string, status: ApiStatus | undefined) => {
      if (indexState(status) === "failed") {
        this.fail(id, "create", describeStatus(status), status?.code);
        return;
      }
      written.set(id, indexState(status) === "done" ? "done" : "pending");
      this.settled.add(id);
      (replacedIds.has(id) ? this.report.replaced : this.report.created).push(id);
    };
    const progress = () =>
      this.emit({
        type: "phase.progress",
        phase: "create",
        done: written.size,
        failed: this.failures.create,
        total,
      });

    this.emit({ type: "phase.start", phase: "create", total });
    await this.inPasses(
      items.map((i) => i.planned),
      (pending) =>
        chunkBySize(
          pending,
          BATCH_SIZE,
          this.o.maxBatchBytes ?? MAX_BATCH_BASE64_BYTES,
          postedBytes,
        ),
      async (batch, lastPass, retry) => {
        const outcome = await this.postBatch(batch);
        for (const { planned, status } of outcome.accepted) accept(planned.id, status);
        for (const { planned, status } of outcome.retryable) {
          if (lastPass) this.fail(planned.id, "create", describeStatus(status), status?.code);
          else retry.push(planned);
        }
        if (outcome.duplicates.length > 0) {
          const lives = await this.fetchLive(outcome.duplicates.map((d) => d.planned.id));
          for (const { planned, status } of outcome.duplicates) {
            const live = lives.get(planned.id);
            if (live !== undefined && liveMatchesPlanned(live, planned)) {
              // An earlier, interrupted run (or a retried request whose reply was lost) wrote it.
              accept(planned.id, live.status);
            } else if (replacedIds.has(planned.id) && !lastPass) {
              retry.push(planned); // the API may still be finishing the delete
            } else {
              this.fail(
                planned.id,
                "create",
                `${describeStatus(status)} (an input with this id already exists with other content; run \`dataset plan\` again)`,
                status?.code,
              );
            }
          }
        }
        progress();
      },
    );
    this.emit({
      type: "phase.end",
      phase: "create",
      done: written.size,
      failed: this.failures.create,
      total,
    });
    return written;
  }

  /**
   * Runs `work` over batches of `items`, then again over the inputs it asked to retry (a retryable
   * per-input status), with a growing pause, a bounded number of times.
   */
  private async inPasses(
    items: PlannedInput[],
    batchesOf: (pending: PlannedInput[]) => PlannedInput[][],
    work: (batch: PlannedInput[], lastPass: boolean, retry: PlannedInput[]) => Promise<void>,
  ): Promise<void> {
    let pending = items;
    const passes = (this.o.inputRetries ?? 3) + 1;
    for (let pass = 0; pass < passes && pending.length > 0 && !this.stopped; pass++) {
      if (pass > 0) {
        this.emit({
          type: "batch.retry",
          ids: pending.length,
          reason: "a retryable per-input status",
        });
        await this.sleep(1000 * 2 ** (pass - 1), this.stop.signal);
      }
      const retry: PlannedInput[] = [];
      const lastPass = pass === passes - 1;
      await runBounded(batchesOf(pending), this.lanes, (batch) => work(batch, lastPass, retry));
      pending = retry;
    }
  }

  private async postBatch(batch: PlannedInput[]) {
    const accepted: PostOutcome[] = [];
    const retryable: PostOutcome[] = [];
    const duplicates: PostOutcome[] = [];
    const bodies: ApiInput[] = [];
    const sent: PlannedInput[] = [];
    for (const planned of batch) {
      try {
        bodies.push(await toPostInput(planned, this.o));
        sent.push(planned);
      } catch (error) {
        this.fail(planned.id, "create", errorText(error));
      }
    }
    if (bodies.length === 0) return { accepted, retryable, duplicates };
    let reply: Awaited<ReturnType<InputsApi["postInputs"]>>;
    try {
      this.report.requests.post++;
      reply = await this.o.api.postInputs(bodies);
      this.requestSucceeded();
    } catch (error) {
      this.requestFailed(error);
      for (const planned of sent) this.fail(planned.id, "create", errorText(error));
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
      else this.fail(planned.id, "create", describeStatus(status), status?.code);
    });
    return { accepted, retryable, duplicates };
  }

  private async fetchLive(ids: string[]): Promise<Map<string, ApiInput>> {
    const lives = new Map<string, ApiInput>();
    for (const batch of chunk(ids, BATCH_SIZE)) {
      try {
        this.report.requests.poll++;
        for (const live of await this.o.api.listInputsByIds(batch)) lives.set(live.id, live);
      } catch {
        // Unknown: leave these ids out, so they are reported as conflicts, never assumed done.
      }
    }
    return lives;
  }

  /**
   * PatchInputs with overwrite: concepts and metadata exactly as planned; the media stays, and a
   * live `geo` is sent back unchanged so that overwrite does not drop it.
   */
  private async updatePhase(changes: (UpdateChange | AdoptChange)[]): Promise<void> {
    if (changes.length === 0 || this.stopped) return;
    const total = changes.length;
    const liveGeo = new Map(changes.map((c) => [c.id, c.before.data?.geo]));
    this.emit({ type: "phase.start", phase: "update", total });
    await this.inPasses(
      changes.map((c) => c.after),
      (pending) => chunk(pending, BATCH_SIZE),
      async (batch, lastPass, retry) => {
        try {
          this.report.requests.patch++;
          const reply = await this.o.api.patchInputs(
            batch.map((planned) => toPatchInput(planned, liveGeo.get(planned.id))),
            "overwrite",
          );
          this.requestSucceeded();
          const echoed = echoedInputs(reply.inputs, batch);
          batch.forEach((planned, index) => {
            const status = echoed[index]?.status ?? reply.status;
            if (isAcceptedInputStatus(status)) {
              this.settled.add(planned.id);
              this.report.updated.push(planned.id);
            } else if (!lastPass && isRetryableInputStatus(Number(status.code))) {
              retry.push(planned);
            } else {
              this.fail(planned.id, "update", describeStatus(status), status.code);
            }
          });
        } catch (error) {
          this.requestFailed(error);
          for (const planned of batch) this.fail(planned.id, "update", errorText(error));
        }
        this.emit({
          type: "phase.progress",
          phase: "update",
          done: this.report.updated.length,
          failed: this.failures.update,
          total,
        });
      },
    );
    this.emit({
      type: "phase.end",
      phase: "update",
      done: this.report.updated.length,
      failed: this.failures.update,
      total,
    });
  }
}

/**
 * The reply's input for each sent input, matched by id. Position is trusted only for an echoed
 * input without an id in a reply of the same length, so one input can never take another's status.
 */
function echoedInputs(
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
