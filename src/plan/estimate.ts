import type { PlanSummary } from "./types.js";

/** Options of {@link estimateRequests}. */
export interface EstimateOptions {
  /** Inputs (or ids) per write and per ListInputs of ids; the API's limit is 128. */
  batchSize?: number;
  /** Inputs per StreamInputs page when apply reads the app again (plan's page size, 1,000). */
  streamPageSize?: number;
  /** The client-side request-rate cap; none for the embedded local app. */
  maxRps?: number;
  /** ListInputs rounds assumed to confirm deletions (the emulator frees ids at once). Default 1. */
  confirmRounds?: number;
  /**
   * GetInputCount rounds assumed while waiting for indexing, after the one read before the writes.
   * Default 3 (measured at a 0.5 s indexing delay, docs/benchmarks.md); slow indexing adds more.
   */
  indexRounds?: number;
}

export interface RequestEstimate {
  requests: number;
  /** `requests / maxRps`, rounded up; absent without a rate cap. */
  seconds?: number;
}

/**
 * A rough count of the API requests apply will make, from the summary alone, following the
 * applier's request pattern:
 * - StreamInputs: apply plans again, reading every live input, 1,000 a page (plus the last, empty
 *   or partial, page);
 * - DeleteInputs for pruned, replaced and recreated inputs, 128 ids a request;
 * - confirming that replaced/recreated ids are free again before they are posted: one ListInputs
 *   per 128 ids per round (never one request per id);
 * - PostInputs for creates, replaces and recreates; PatchInputs for updates and adoptions, 128 a
 *   request;
 * - waiting for indexing when anything is posted: one GetInputCount before the writes, then one
 *   per round (the count is the gate; ids are listed only when counts show a failure or another
 *   writer, which this does not foresee).
 * Nothing is a request for an empty plan.
 */
export function estimateRequests(
  plan: { summary: PlanSummary },
  options: EstimateOptions = {},
): RequestEstimate {
  const batch = Math.max(1, options.batchSize ?? 128);
  const page = Math.max(1, options.streamPageSize ?? 1000);
  const confirmRounds = Math.max(0, options.confirmRounds ?? 1);
  const indexRounds = Math.max(0, options.indexRounds ?? 3);
  const s = plan.summary;
  const batches = (n: number) => Math.ceil(n / batch);
  const reposted = s.replace + s.recreate;
  const written = s.create + reposted;
  const changes = batches(s.delete + reposted) + batches(written) + batches(s.update + s.adopt);
  if (changes === 0) {
    const estimate: RequestEstimate = { requests: 0 };
    if (options.maxRps !== undefined && options.maxRps > 0) estimate.seconds = 0;
    return estimate;
  }
  const live = s.unchanged + s.unmanaged + s.update + s.adopt + reposted + s.delete;
  const requests =
    Math.floor(live / page) +
    1 +
    changes +
    batches(reposted) * confirmRounds +
    (written > 0 ? 1 + indexRounds : 0);
  const estimate: RequestEstimate = { requests };
  if (options.maxRps !== undefined && options.maxRps > 0) {
    estimate.seconds = Math.ceil(requests / options.maxRps);
  }
  return estimate;
}

/** "about 1 s", "about 4 min", "about 2.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.ceil(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(Math.round(seconds / 360) / 10).toString()} h`;
}

/**
 * The estimate line of the text plan: `Apply will make about 4 API requests (about 1 s at 15
 * requests/s).`, without the parenthesis when there is no rate cap.
 */
export function formatEstimate(estimate: RequestEstimate, maxRps?: number): string {
  const noun = estimate.requests === 1 ? "request" : "requests";
  const base = `Apply will make about ${formatCount(estimate.requests)} API ${noun}`;
  if (estimate.seconds === undefined || maxRps === undefined) return `${base}.`;
  return `${base} (about ${formatDuration(estimate.seconds)} at ${maxRps} requests/s).`;
}

/** 1234567 → "1,234,567" (fixed, locale-free). */
export function formatCount(n: number): string {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
