/**
 * The asynchronous side of the emulator: inputs move pending (30001) → in progress (30003) →
 * success (30000) or failed (30002) on a timer, and inputs being deleted disappear when their
 * delay ends. All state lives in the store (due-time columns with partial indexes), so a restart
 * resumes where the last run stopped and a tick never scans the table. Time comes from the
 * store's clock and timers from the injected `EmulatorClock`, so tests can drive it.
 */
import type { EmulatorClock } from "./clock.js";
import { type DownloadOutcome, downloadImage } from "./download.js";
import { hostedName } from "./hosted.js";
import type { ImageFacts } from "./image-sniff.js";
import { renderImageInfo } from "./render.js";
import { Code } from "./status-codes.js";
import type { DueRow, EmulatorStore, RowKey, Settlement, TickWrites } from "./store.js";

export interface IndexingConfig {
  /** Total time from POST to the final status. */
  indexDelayMs: number;
  download: "skip" | "fetch";
  failUrl?: RegExp;
  downloadTimeoutMs: number;
  /** A downloaded image must be smaller than this. */
  maxImageBytes: number;
  /** Sets the worker's timers (the same clock the store reads). */
  clock: EmulatorClock;
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

function succeeded(row: DueRow, facts: ImageFacts | undefined): Settlement {
  return {
    key: row,
    status: Code.INPUT_SUCCESS,
    details: null,
    hosted: hostedName(row.app, row.id, row.created),
    info: facts ? renderImageInfo(facts) : null,
  };
}

function failed(row: DueRow, details: string): Settlement {
  return { key: row, status: Code.INPUT_FAILED, details, hosted: null, info: null };
}

export class IndexingWorker {
  private cancelTimer: (() => void) | undefined;
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
    if (next === Number.POSITIVE_INFINITY || (this.cancelTimer && next >= this.timerAt)) return;
    this.cancelTimer?.();
    const delayMs = Math.max(0, Math.ceil((next - this.store.clock.now()) / 1000));
    this.timerAt = next;
    this.cancelTimer = this.config.clock.setTimer(() => this.tick(), delayMs);
  }

  /** Stops the timers and aborts downloads; waits for downloads to wind down. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.abort.abort();
    for (const resume of this.waiting.splice(0)) resume();
    await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    this.cancelTimer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    const now = this.store.clock.now();
    const secondHalf = (this.config.indexDelayMs - Math.floor(this.config.indexDelayMs / 2)) * 1000;
    const more = this.store.transaction(() => {
      const rows = this.store.dueRows(now, BATCH);
      const writes: TickWrites = {
        progress: [],
        progressDue: now + secondHalf,
        settled: [],
        rescheduled: [],
        cleared: [],
        purged: this.store.purgeDue(now, BATCH),
      };
      for (const row of rows) this.advance(row, now, writes);
      this.store.writeTick(writes, now);
      return rows.length === BATCH || writes.purged.length === BATCH;
    });
    if (more) setImmediate(() => this.tick());
    else this.wake();
  }

  /** Decides what happens to one due row; the writes are collected and made once per tick. */
  private advance(row: DueRow, now: number, writes: TickWrites): void {
    const downloads = this.config.download === "fetch" && row.url !== null;
    if (row.status === Code.INPUT_PENDING) {
      // An input whose whole delay is over (a worker that fell behind, or a delay of 0) settles
      // at once, as it would have by now; else it moves on to in progress. That halves the
      // writes exactly when the worker is busiest.
      const overdue = row.created + this.config.indexDelayMs * 1000 <= now;
      if (!overdue || downloads) {
        writes.progress.push(row);
        if (downloads) this.startDownload(row, row.url!, writes.progressDue);
        return;
      }
    } else if (row.status !== Code.INPUT_IN_PROGRESS) {
      writes.cleared.push(row);
      return;
    }
    if (row.url === null) {
      const facts =
        row.facts && row.facts !== "none" ? (JSON.parse(row.facts) as ImageFacts) : undefined;
      writes.settled.push(
        facts
          ? succeeded(row, facts)
          : failed(row, "image bytes are not a supported image (JPEG, PNG, TIFF, BMP, WEBP, GIF)"),
      );
      return;
    }
    if (this.config.failUrl?.test(row.url)) {
      writes.settled.push(
        failed(row, `forced failure: URL matches --fail-url ${String(this.config.failUrl)}`),
      );
      return;
    }
    if (this.config.download === "skip") {
      writes.settled.push(succeeded(row, undefined));
      return;
    }
    const download = this.downloads.get(downloadKey(row));
    if (!download?.outcome) {
      // Still downloading (or restarted mid-download): look again once the timeout has passed.
      if (!download) this.startDownload(row, row.url, now);
      writes.rescheduled.push({
        key: row,
        due: now + (this.config.downloadTimeoutMs + 1000) * 1000,
      });
      return;
    }
    this.downloads.delete(downloadKey(row));
    writes.settled.push(
      download.outcome.ok
        ? succeeded(row, download.outcome.facts)
        : failed(row, download.outcome.details),
    );
  }

  private startDownload(key: RowKey, url: string, notBefore: number): void {
    const download: Download = { notBefore };
    this.downloads.set(downloadKey(key), download);
    const task = this.withDownloadSlot(async () => {
      const outcome = await downloadImage(url, {
        timeoutMs: this.config.downloadTimeoutMs,
        maxBytes: this.config.maxImageBytes,
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
