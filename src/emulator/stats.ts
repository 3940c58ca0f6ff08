/**
 * What the emulator counts about the requests it answered (`GET /_emulator/stats`), and a short
 * log of the latest requests (`GET /_emulator/requests`). `/_emulator/*` itself is never counted.
 */
import type { StoreTotals } from "./store.js";

/** The Clarifai RPC a request was routed to; `Unknown` for unknown paths and methods. */
export type EndpointName =
  | "PostInputs"
  | "ListInputs"
  | "StreamInputs"
  | "GetInput"
  | "GetInputCount"
  | "PatchInputs"
  | "DeleteInput"
  | "DeleteInputs"
  | "Unknown";

const endpointNames: readonly EndpointName[] = [
  "PostInputs",
  "ListInputs",
  "StreamInputs",
  "GetInput",
  "GetInputCount",
  "PatchInputs",
  "DeleteInput",
  "DeleteInputs",
  "Unknown",
];

/** Requests answered by one endpoint. */
export interface EndpointStats {
  requests: number;
  /** HTTP status → count, e.g. `{"200": 10, "429": 2}`. */
  byHttpStatus: Record<string, number>;
  /** Top-level Clarifai status code → count, e.g. `{"10000": 10, "11005": 2}`. */
  byStatusCode: Record<string, number>;
}

/** A snapshot of `GET /_emulator/stats`. */
export interface EmulatorStats {
  /** Every request answered (except `/_emulator/*`). */
  requests: number;
  /** Per endpoint; every endpoint is present, with zeros when unused. */
  endpoints: Record<EndpointName, EndpointStats>;
  /** The largest number of inputs/ids one request carried (including refused requests). */
  largestBatch: { PostInputs: number; PatchInputs: number; DeleteInputs: number };
  /** Requests answered 429 by the rate limiter. */
  throttled: number;
  /** Requests answered with an injected 5xx. */
  faultsInjected: number;
  /** Stored inputs across all apps: total, per input status code, and how many are being deleted. */
  inputs: StoreTotals;
}

/** One answered request. */
export interface RequestLogEntry {
  /** Milliseconds since the epoch. */
  at: number;
  method: string;
  /** Path and query. */
  path: string;
  endpoint: EndpointName;
  httpStatus: number;
  code: number;
  /** Inputs or ids in the request, for batch endpoints. */
  batch?: number;
}

const LOG_SIZE = 1000;

export class StatsCollector {
  private total = 0;
  private endpoints = StatsCollector.emptyEndpoints();
  private largest = { PostInputs: 0, PatchInputs: 0, DeleteInputs: 0 };
  private throttledCount = 0;
  private faultCount = 0;
  private log: RequestLogEntry[] = [];

  private static emptyEndpoints(): Record<EndpointName, EndpointStats> {
    const out = {} as Record<EndpointName, EndpointStats>;
    for (const name of endpointNames)
      out[name] = { requests: 0, byHttpStatus: {}, byStatusCode: {} };
    return out;
  }

  record(entry: RequestLogEntry, flags: { throttled?: boolean; fault?: boolean } = {}): void {
    this.total++;
    const e = this.endpoints[entry.endpoint];
    e.requests++;
    e.byHttpStatus[entry.httpStatus] = (e.byHttpStatus[entry.httpStatus] ?? 0) + 1;
    e.byStatusCode[entry.code] = (e.byStatusCode[entry.code] ?? 0) + 1;
    if (entry.batch !== undefined && entry.endpoint in this.largest) {
      const key = entry.endpoint as keyof typeof this.largest;
      this.largest[key] = Math.max(this.largest[key], entry.batch);
    }
    if (flags.throttled) this.throttledCount++;
    if (flags.fault) this.faultCount++;
    this.log.push(entry);
    if (this.log.length > LOG_SIZE * 2) this.log = this.log.slice(-LOG_SIZE);
  }

  snapshot(inputs: StoreTotals): EmulatorStats {
    return structuredClone({
      requests: this.total,
      endpoints: this.endpoints,
      largestBatch: this.largest,
      throttled: this.throttledCount,
      faultsInjected: this.faultCount,
      inputs,
    });
  }

  /** The latest requests, oldest first (at most 1,000). */
  recent(): RequestLogEntry[] {
    return this.log.slice(-LOG_SIZE);
  }

  reset(): void {
    this.total = 0;
    this.endpoints = StatsCollector.emptyEndpoints();
    this.largest = { PostInputs: 0, PatchInputs: 0, DeleteInputs: 0 };
    this.throttledCount = 0;
    this.faultCount = 0;
    this.log = [];
  }
}
