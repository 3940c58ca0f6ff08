/**
 * The asynchronous side of the emulator: inputs move pending (30001) → in progress (30003) →
 * success (30000) or failed (30002) on a timer, and inputs being deleted disappear when their
 * delay ends. All state lives in the store (due-time columns with partial indexes), so a restart
 * resumes where the last run stopped and a tick never scans the table.
 */
import { type DownloadOutcome, downloadImage } from "./download.js";
import type { ImageFacts } from "./image-sniff.js";
import { renderImageInfo } from "./render.js";
import { Code } from "./status-codes.js";
import { type DueRow, type EmulatorStore, hostedName, type RowKey } from "./store.js";

export interface IndexingConfig {
  /** Total time from POST to the final status. */
  indexDelayMs: number;
  download: "skip" | "fetch";
  failUrl?: RegExp;
  downloadTimeoutMs: number;
  downloadMaxBytes: number;
}

const BATCH = 2000;
const MAX_PARALLEL_DOWNLOADS = 8;

interface Download {
  outcome?: DownloadOutcome;
  /** The input may not settle before this time (µs), even if the download is done. */
  notBefore: number;
}

function downloadKey(key: RowKey): string {
  return `${key.app}/${key.seq}`;
}

/** When a POSTed input first becomes due: after the first half of the indexing delay. */
export function firstDue(created: number, indexDelayMs: number): number {
  return created + Math.floor(indexDelayMs / 2) * 1000;
}

export class IndexingWorker {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly downloads = new Map<string, Download>();
  private readonly abort = new AbortController();
  private activeDownloads = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: EmulatorStore,
    private readonly config: IndexingConfig,
  ) {}

  /** Schedules the next tick for the earliest due work (call after writes that add some). */
  wake(): void {
    if (this.stopped) return;
    const due = this.store.nextDue();
    const purge = this.store.nextPurge();
    const next = Math.min(due ?? Number.POSITIVE_INFINITY, purge ?? Number.POSITIVE_INFINITY);
    if (next === Number.POSITIVE_INFINITY || (this.timer && next >= this.timerAt)) return;
    if (this.timer) clearTimeout(this.timer);
    const delayMs = Math.max(0, Math.ceil((next - this.store.clock.now()) / 1000));
    this.timerAt = next;
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  /** Stops the timers and aborts downloads; waits for downloads to wind down. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    for (const resume of this.waiting.splice(0)) resume();
    await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    const now = this.store.clock.now();
    const more = this.store.transaction(() => {
      const rows = this.store.dueRows(now, BATCH);
      for (const row of rows) this.advance(row, now);
      const purged = this.store.purgeDue(now, BATCH);
      for (const key of purged) this.store.deleteInput(key);
      return rows.length === BATCH || purged.length === BATCH;
    });
    if (more) setImmediate(() => this.tick());
    else this.wake();
  }

  private advance(row: DueRow, now: number): void {
    const secondHalf = (this.config.indexDelayMs - Math.floor(this.config.indexDelayMs / 2)) * 1000;
    if (row.status === Code.INPUT_PENDING) {
      this.store.setProgress(row, Code.INPUT_IN_PROGRESS, now + secondHalf, now);
      if (this.config.download === "fetch" && row.url !== null)
        this.startDownload(row, row.url, now + secondHalf);
      return;
    }
    if (row.status !== Code.INPUT_IN_PROGRESS) {
      this.store.clearDue(row);
      return;
    }
    if (row.url === null) {
      const facts =
        row.facts && row.facts !== "none" ? (JSON.parse(row.facts) as ImageFacts) : undefined;
      if (facts) this.succeed(row, now, facts);
      else
        this.fail(
          row,
          now,
          "image bytes are not a supported image (JPEG, PNG, TIFF, BMP, WEBP, GIF)",
        );
      return;
    }
    if (this.config.failUrl?.test(row.url)) {
      this.fail(row, now, `forced failure: URL matches --fail-url ${String(this.config.failUrl)}`);
      return;
    }
    if (this.config.download === "skip") {
      this.succeed(row, now, undefined);
      return;
    }
    const download = this.downloads.get(downloadKey(row));
    if (!download?.outcome) {
      // Still downloading (or restarted mid-download): look again once the timeout has passed.
      if (!download) this.startDownload(row, row.url, now);
      this.store.setDue(row, now + (this.config.downloadTimeoutMs + 1000) * 1000);
      return;
    }
    this.downloads.delete(downloadKey(row));
    if (download.outcome.ok) this.succeed(row, now, download.outcome.facts);
    else this.fail(row, now, download.outcome.details);
  }

  private succeed(row: DueRow, now: number, facts: ImageFacts | undefined): void {
    this.store.settle(
      row,
      {
        status: Code.INPUT_SUCCESS,
        details: null,
        hosted: hostedName(row.app, row.id, row.created),
        info: facts ? renderImageInfo(facts) : null,
      },
      now,
    );
  }

  private fail(row: DueRow, now: number, details: string): void {
    this.store.settle(row, { status: Code.INPUT_FAILED, details, hosted: null, info: null }, now);
  }

  private startDownload(key: RowKey, url: string, notBefore: number): void {
    const download: Download = { notBefore };
    this.downloads.set(downloadKey(key), download);
    const task = this.withDownloadSlot(async () => {
      const outcome = await downloadImage(url, {
        timeoutMs: this.config.downloadTimeoutMs,
        maxBytes: this.config.downloadMaxBytes,
        signal: this.abort.signal,
      });
      if (this.stopped) return;
      download.outcome = outcome;
      this.store.setDue(key, Math.max(this.store.clock.now(), download.notBefore));
      this.wake();
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async withDownloadSlot(fn: () => Promise<void>): Promise<void> {
    if (this.activeDownloads >= MAX_PARALLEL_DOWNLOADS) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.stopped) return;
    this.activeDownloads++;
    try {
      await fn();
    } finally {
      this.activeDownloads--;
      this.waiting.shift()?.();
    }
  }
}
