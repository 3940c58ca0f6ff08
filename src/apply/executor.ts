import type { InputsApi } from "../api/client-types.js";
import { ApiError } from "../api/errors.js";
import { type ApiInput, type ApiStatus, StatusCode } from "../api/types.js";
import type { Change, Plan, PlannedInput } from "../plan/types.js";
import { type ReadFile, toPatchInput, toPostInput } from "./encode.js";
import { liveMatchesPlanned } from "./matches.js";
import { chunk, runBounded } from "./queue.js";
import {
  describeStatus,
  indexState,
  isAcceptedInputStatus,
  isDuplicateIdStatus,
  isRetryableInputStatus,
} from "./status-codes.js";
import type { ApplyEvent, ApplyFailure, ApplyPhase, ApplyReport } from "./types.js";
import { waitForIndexing } from "./wait.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const BATCH_SIZE = 128;

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

/**
 * Makes the app match a plan: deletes (replaced, recreated and pruned inputs) first and, for ids
 * that will be posted again, waits until the API confirms they are gone; then creates in batches
 * of at most 128, then patches updates (overwrite), then waits for indexing of what it wrote.
 * Never throws for per-input or per-batch failures: everything lands in the report.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyReport> {
  const run = new ApplyRun(options);
  return run.execute();
}

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
    waited: false,
    requests: { delete: 0, confirm: 0, post: 0, patch: 0, poll: 0 },
    pollRounds: 0,
  };
  private readonly settled = new Set<string>();
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(private readonly o: ApplyOptions) {
    this.sleep = o.sleep ?? abortableSleep;
    this.now = o.now ?? Date.now;
  }

  private emit(event: ApplyEvent): void {
    this.o.onEvent?.(event);
  }

  private get aborted(): boolean {
    return this.o.signal?.aborted === true;
  }

  private fail(id: string, phase: ApplyPhase, description: string, code?: number): void {
    this.settled.add(id);
    this.report.failed.push({ id, phase, code, description });
  }

  async execute(): Promise<ApplyReport> {
    const changes = this.o.plan.changes;
    const reposts = changes.filter((c) => c.action === "replace" || c.action === "recreate");
    const prunes = changes.filter((c) => c.action === "delete");

    const deleted = await this.deletePhase([...prunes, ...reposts].map((c) => c.id));
    for (const c of prunes) {
      if (deleted.has(c.id)) {
        this.report.deleted.push(c.id);
        this.settled.add(c.id);
      }
    }
    const freed = await this.confirmDeletedPhase(
      reposts.map((c) => c.id).filter((id) => deleted.has(id)),
    );

    const toPost: { planned: PlannedInput; replaced: boolean }[] = [];
    for (const c of changes) {
      if (c.action === "create") toPost.push({ planned: c.after, replaced: false });
      if ((c.action === "replace" || c.action === "recreate") && freed.has(c.id)) {
        toPost.push({ planned: c.after, replaced: true });
      }
    }
    const written = await this.createPhase(toPost);
    await this.updatePhase(changes.flatMap((c) => (c.action === "update" ? [c.after] : [])));

    this.report.waited = this.o.wait.enabled;
    if (this.o.wait.enabled && written.size > 0 && !this.aborted) {
      const result = await waitForIndexing({
        api: this.o.api,
        ids: [...written.entries()].filter(([, state]) => state === "pending").map(([id]) => id),
        alreadyDone: [...written.entries()]
          .filter(([, state]) => state === "done")
          .map(([id]) => id),
        concurrency: this.o.concurrency,
        timeoutMs: this.o.wait.timeoutMs,
        signal: this.o.signal,
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

    this.report.interrupted = this.aborted;
    this.report.notDone = changes
      .filter((c) => !this.settled.has(c.id))
      .map((c: Change) => ({ id: c.id, action: c.action }));
    return this.report;
  }

  /** DeleteInputs in batches; returns the ids whose delete the API accepted. */
  private async deletePhase(ids: string[]): Promise<Set<string>> {
    const ok = new Set<string>();
    if (ids.length === 0) return ok;
    let failed = 0;
    this.emit({ type: "phase.start", phase: "delete", total: ids.length });
    await runBounded(chunk(ids, BATCH_SIZE), this.o, async (batch) => {
      try {
        this.report.requests.delete++;
        await this.o.api.deleteInputs(batch);
        for (const id of batch) ok.add(id);
      } catch (error) {
        if (!(error instanceof ApiError && error.statusCode === StatusCode.CONN_DOES_NOT_EXIST)) {
          failed += batch.length;
          for (const id of batch) this.fail(id, "delete", errorText(error));
        } else {
          // The API refuses a whole batch when one id is already gone (deleted meanwhile, or by an
          // interrupted run): delete the rest one by one, and count the missing ones as deleted.
          for (const id of batch) {
            try {
              if ((await this.o.api.getInput(id)) !== undefined) {
                this.report.requests.delete++;
                await this.o.api.deleteInputs([id]);
              }
              ok.add(id);
            } catch (single) {
              failed++;
              this.fail(id, "delete", errorText(single));
            }
          }
        }
      }
      this.emit({
        type: "phase.progress",
        phase: "delete",
        done: ok.size,
        failed,
        total: ids.length,
      });
    });
    this.emit({ type: "phase.end", phase: "delete", done: ok.size, failed, total: ids.length });
    return ok;
  }

  /**
   * Deletion is asynchronous in the API: an id is free again only once GetInput answers
   * CONN_DOES_NOT_EXIST. Polls each deleted id that will be posted again until then.
   */
  private async confirmDeletedPhase(ids: string[]): Promise<Set<string>> {
    const gone = new Set<string>();
    if (ids.length === 0) return gone;
    const timeoutMs = this.o.deleteConfirmTimeoutMs ?? 120_000;
    const started = this.now();
    let pending = ids;
    let delay = 200;
    this.emit({ type: "phase.start", phase: "confirm-delete", total: ids.length });
    while (pending.length > 0 && !this.aborted) {
      const stillThere: string[] = [];
      await runBounded(pending, this.o, async (id) => {
        try {
          this.report.requests.confirm++;
          const live = await this.o.api.getInput(id);
          if (live === undefined) gone.add(id);
          else stillThere.push(id);
        } catch (error) {
          this.fail(id, "confirm-delete", errorText(error));
        }
      });
      this.emit({
        type: "phase.progress",
        phase: "confirm-delete",
        done: gone.size,
        failed: 0,
        total: ids.length,
      });
      pending = stillThere.filter((id) => !this.settled.has(id));
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
      await this.sleep(delay, this.o.signal);
      delay = Math.min(delay * 1.5, 3000);
    }
    this.emit({
      type: "phase.end",
      phase: "confirm-delete",
      done: gone.size,
      failed: ids.length - gone.size,
      total: ids.length,
    });
    return gone;
  }

  /**
   * PostInputs in batches of at most 128. Returns each written id with its indexing state as the
   * reply (or the live input) showed it.
   */
  private async createPhase(
    items: { planned: PlannedInput; replaced: boolean }[],
  ): Promise<Map<string, "pending" | "done">> {
    const written = new Map<string, "pending" | "done">();
    if (items.length === 0) return written;
    const total = items.length;
    const replacedIds = new Set(items.filter((i) => i.replaced).map((i) => i.planned.id));
    const accept = (id: string, status: ApiStatus | undefined) => {
      const state = indexState(status);
      if (state === "failed") {
        this.fail(id, "create", describeStatus(status), status?.code);
        return;
      }
      written.set(id, state === "done" ? "done" : "pending");
      this.settled.add(id);
      (replacedIds.has(id) ? this.report.replaced : this.report.created).push(id);
    };
    const progress = () =>
      this.emit({
        type: "phase.progress",
        phase: "create",
        done: written.size,
        failed: this.failedIn("create"),
        total,
      });

    this.emit({ type: "phase.start", phase: "create", total });
    let pending = items.map((i) => i.planned);
    const passes = (this.o.inputRetries ?? 3) + 1;
    for (let pass = 0; pass < passes && pending.length > 0 && !this.aborted; pass++) {
      if (pass > 0) await this.sleep(1000 * 2 ** (pass - 1), this.o.signal);
      const retry: PlannedInput[] = [];
      const lastPass = pass === passes - 1;
      await runBounded(chunk(pending, BATCH_SIZE), this.o, async (batch) => {
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
              // An earlier, interrupted run already wrote exactly this input.
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
      });
      pending = retry;
      if (retry.length > 0)
        this.emit({
          type: "batch.retry",
          phase: "create",
          ids: retry.length,
          reason: "retryable per-input status",
        });
    }
    this.emit({
      type: "phase.end",
      phase: "create",
      done: written.size,
      failed: this.failedIn("create"),
      total,
    });
    return written;
  }

  private failedIn(phase: ApplyPhase): number {
    return this.report.failed.filter((f) => f.phase === phase).length;
  }

  private async postBatch(batch: PlannedInput[]) {
    type Outcome = { planned: PlannedInput; status: ApiStatus | undefined };
    const accepted: Outcome[] = [];
    const retryable: Outcome[] = [];
    const duplicates: Outcome[] = [];
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
    } catch (error) {
      for (const planned of sent) this.fail(planned.id, "create", errorText(error));
      return { accepted, retryable, duplicates };
    }
    const byId = new Map(reply.inputs.map((input) => [input.id, input]));
    sent.forEach((planned, index) => {
      const echoed = byId.get(planned.id) ?? reply.inputs[index];
      const status = echoed?.status;
      if (isAcceptedInputStatus(status) && echoed !== undefined) accepted.push({ planned, status });
      else if (isDuplicateIdStatus(status)) duplicates.push({ planned, status });
      else if (status !== undefined && isRetryableInputStatus(Number(status.code)))
        retryable.push({ planned, status });
      else if (echoed === undefined) retryable.push({ planned, status: reply.status });
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

  /** PatchInputs with overwrite (concepts and metadata exactly as planned; media stays). */
  private async updatePhase(items: PlannedInput[]): Promise<void> {
    if (items.length === 0 || this.aborted) return;
    const total = items.length;
    this.emit({ type: "phase.start", phase: "update", total });
    let pending = items;
    const passes = (this.o.inputRetries ?? 3) + 1;
    for (let pass = 0; pass < passes && pending.length > 0 && !this.aborted; pass++) {
      if (pass > 0) await this.sleep(1000 * 2 ** (pass - 1), this.o.signal);
      const retry: PlannedInput[] = [];
      const lastPass = pass === passes - 1;
      await runBounded(chunk(pending, BATCH_SIZE), this.o, async (batch) => {
        try {
          this.report.requests.patch++;
          const reply = await this.o.api.patchInputs(batch.map(toPatchInput), "overwrite");
          const byId = new Map(reply.inputs.map((input) => [input.id, input]));
          batch.forEach((planned, index) => {
            const status = (byId.get(planned.id) ?? reply.inputs[index])?.status ?? reply.status;
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
          for (const planned of batch) this.fail(planned.id, "update", errorText(error));
        }
        this.emit({
          type: "phase.progress",
          phase: "update",
          done: this.report.updated.length,
          failed: this.failedIn("update"),
          total,
        });
      });
      pending = retry;
    }
    this.emit({
      type: "phase.end",
      phase: "update",
      done: this.report.updated.length,
      failed: this.failedIn("update"),
      total,
    });
  }
}

export type { ApplyFailure };
