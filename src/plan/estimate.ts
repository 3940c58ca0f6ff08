import type { PlanSummary } from "./types.js";

/** Options of {@link estimateRequests}. */
export interface EstimateOptions {
  /** Inputs (or ids) per request; the API's limit is 128. */
  batchSize?: number;
  /** The client-side request-rate cap; none for the embedded local app. */
  maxRps?: number;
  /** Polling rounds assumed per wait (deletion confirmed, indexing finished). Default 1. */
  pollRounds?: number;
}

export interface RequestEstimate {
  requests: number;
  /** `requests / maxRps`, rounded up; absent without a rate cap. */
  seconds?: number;
}

/**
 * A rough count of the API requests apply will make, from the summary alone:
 * - DeleteInputs for pruned, replaced and recreated inputs, one per batch;
 * - polls confirming that replaced/recreated ids are free again before they are posted (ListInputs
 *   per batch each round, then one GetInput per id, as the API frees an id only once GetInput
 *   answers "does not exist");
 * - PostInputs for creates, replaces and recreates; PatchInputs for updates and adoptions, one per batch;
 * - polls waiting for the written inputs to index.
 * Polls assume `pollRounds` rounds of one request per batch of ids; slow indexing adds more.
 */
export function estimateRequests(
  plan: { summary: PlanSummary },
  options: EstimateOptions = {},
): RequestEstimate {
  const batch = Math.max(1, options.batchSize ?? 128);
  const rounds = Math.max(0, options.pollRounds ?? 1);
  const s = plan.summary;
  const batches = (n: number) => Math.ceil(n / batch);
  const reposted = s.replace + s.recreate;
  const written = s.create + reposted;
  const requests =
    batches(s.delete + reposted) +
    batches(reposted) * rounds +
    reposted +
    batches(written) +
    batches(s.update + s.adopt) +
    batches(written) * rounds;
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
