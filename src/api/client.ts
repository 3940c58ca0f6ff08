import { Agent, type Dispatcher, request } from "undici";
import type { InputsApi } from "./client-types.js";
import { ApiError, NetworkError } from "./errors.js";
import { HostedImageError, HostedImageRefused, mayCarryToken } from "./hosted-image.js";
import { lastListedId } from "./last-listed-id.js";
import { describeNetworkFailure } from "./network-failure.js";
import { RateLimiter } from "./rate-limiter.js";
import {
  defaultRetryOptions,
  isRetryableHttpStatus,
  isRetryableStatusCode,
  parseRetryAfter,
  type RetryKind,
  type RetryOptions,
  withRetry,
} from "./retry.js";
import { parseStatusCode } from "./status-names.js";
import type { ApiInput, ApiStatus, InputCounts, MultiInputResponse, PatchAction } from "./types.js";
import { ApiLimits, StatusCode } from "./types.js";

/** Settings of {@link createClient}. */
export interface ClientOptions {
  /** API root, e.g. `https://api.clarifai.com` (a path prefix is kept). */
  apiBase: string;
  /** Personal access token, sent as `Authorization: Key …`; never put into errors or events. */
  pat: string;
  userId: string;
  appId: string;
  /** Client-side request-rate cap (`--max-rps`); undefined or 0 = none, but still adaptive on 429. */
  maxRps?: number | undefined;
  /** Kept-alive connections to the API host. Default 16. */
  connections?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Time to the response headers, and the longest silence while reading the body. Default 60 s. */
  requestTimeoutMs?: number;
  /** Backoff bounds; its `sleep` and `now` also drive the rate limiter (tests inject both). */
  retry?: Partial<RetryOptions>;
  /** Use this dispatcher (e.g. undici's MockAgent) instead of a new pooled Agent. Not closed by `close()`. */
  dispatcher?: Dispatcher;
  /** Retries and throttling, for progress lines and notices. */
  onEvent?: (event: ClientEvent) => void;
}

/** What the client reports while it works. Never carries the token. */
export type ClientEvent =
  | {
      type: "retry";
      method: string;
      /** URL path, no query. */
      path: string;
      /** The attempt that failed (1-based); the next one is `attempt + 1`. */
      attempt: number;
      delayMs: number;
      /** e.g. `HTTP 429 CONN_THROTTLED (11005)`, `connection reset`. */
      reason: string;
      /** What kind of failure it was, for whoever decides what to show. */
      kind: RetryKind;
    }
  | {
      /** The API throttled us; the client-side rate was lowered to `rps` requests per second. */
      type: "throttled";
      rps: number;
    };

/** Counters since the client was created. */
export interface ClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Of those, how many were retries. */
  retries: number;
}

/** The undici inputs client: {@link InputsApi} plus lifecycle and counters. */
export interface ApiClient extends InputsApi {
  /** Closes the pooled connections (not an injected dispatcher). */
  close(): Promise<void>;
  readonly stats: ClientStats;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

interface Call {
  method: Method;
  /** Under the app's path: `/inputs`, `/inputs/stream`, `/inputs/{id}`. */
  resource: string;
  query?: URLSearchParams;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Aborting it starts no new retry attempt; the attempt in flight finishes. */
  stopRetrying?: AbortSignal | undefined;
  /** Which `status.code` values are outcomes the caller handles (resolve instead of throw). */
  accept: (code: number, body: ResponseBody) => boolean;
  /**
   * Sees the text of each attempt's HTTP 2xx answer before it is parsed; true when it asked for
   * another request (which is then sent before the parse).
   */
  peek?: (text: string) => boolean;
}

interface ResponseBody {
  status: ApiStatus;
  [key: string]: unknown;
}

const DEFAULTS = {
  connections: 16,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
};

/**
 * Creates the inputs API client for one app, over a pooled, kept-alive undici dispatcher.
 *
 * Every call is retried on transient failures, because every call `dataset` makes is safe to
 * repeat: GETs read; PATCH sets the same data again; DELETE of an already deleted id is harmless;
 * POST of inputs always carries explicit ids, so a repeat that lands twice fails as a duplicate id,
 * which the applier checks against the live input instead of creating a second copy.
 */
export function createClient(options: ClientOptions): ApiClient {
  const retry: RetryOptions = { ...defaultRetryOptions, ...options.retry };
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const ownAgent =
    options.dispatcher === undefined
      ? new Agent({
          connections: options.connections ?? DEFAULTS.connections,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          connect: { timeout: connectTimeoutMs },
          headersTimeout: requestTimeoutMs,
          bodyTimeout: requestTimeoutMs,
        })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const stats: ClientStats = { requests: 0, retries: 0 };
  const emit = options.onEvent ?? (() => {});
  const limiter = new RateLimiter({
    maxRps: options.maxRps,
    // One injected clock for backoff and pacing, so tests never wait.
    now: retry.now,
    sleep: retry.sleep,
    onThrottle: (rps) => emit({ type: "throttled", rps }),
  });

  const base = new URL(options.apiBase);
  const origin = base.origin;
  const appPath = `${base.pathname.replace(/\/+$/, "")}/v2/users/${encodeURIComponent(options.userId)}/apps/${encodeURIComponent(options.appId)}`;
  const pat = options.pat;
  const redact = (text: string) => (pat === "" ? text : text.split(pat).join("[redacted]"));
  const headers = {
    authorization: `Key ${pat}`,
    accept: "application/json",
  };

  async function attempt(call: Call, attemptNo: number): Promise<ResponseBody> {
    const path = appPath + call.resource;
    const query = call.query?.toString() ?? "";
    await limiter.acquire(call.signal);
    stats.requests++;
    let httpStatus: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await request(`${origin}${path}${query === "" ? "" : `?${query}`}`, {
        dispatcher,
        method: call.method,
        headers:
          call.body === undefined ? headers : { ...headers, "content-type": "application/json" },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        ...(call.signal === undefined ? {} : { signal: call.signal }),
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
      });
      httpStatus = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw new NetworkError({
        ...describeNetworkFailure(error, { connectTimeoutMs, requestTimeoutMs, redact }),
        method: call.method,
        path,
        origin,
        attempt: attemptNo,
      });
    }

    if (httpStatus >= 200 && httpStatus < 300 && call.peek?.(text) === true) {
      // The peek asked for another request: undici writes a request on a kept-alive socket a
      // turn of the event loop later (once it has checked the socket is still open), so parsing
      // now would hold the request back until the parse is done. Measured: 19 s → 12 s for the
      // pages of a million inputs from the emulator.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const body = parseBody(text);
    const code = parseStatusCode(body?.status?.code);
    const retryAfterMs = parseRetryAfter(responseHeaders["retry-after"], Date.now());
    if (body === undefined || code === undefined) {
      // Not an API answer: a proxy's error page, a truncated body. Retry unless it is a plain
      // client error that will not change (a 404 page for a wrong --api-base).
      const clientError = httpStatus >= 400 && httpStatus < 500 && httpStatus !== 429;
      if (httpStatus === 429) limiter.onThrottled();
      throw new ApiError({
        method: call.method,
        path,
        httpStatus,
        bodySnippet: snippet(redact(text)),
        retryable: !clientError,
        retryAfterMs,
        attempt: attemptNo,
      });
    }
    normaliseStatuses(body, code);
    if (call.accept(code, body)) {
      limiter.onSuccess();
      return body;
    }
    const error = new ApiError({
      method: call.method,
      path,
      httpStatus,
      statusCode: code,
      description: optionalRedacted(body.status.description, redact),
      details: optionalRedacted(body.status.details, redact),
      reqId: optionalRedacted(body.status.req_id, redact),
      retryable: isRetryableHttpStatus(httpStatus) || isRetryableStatusCode(code),
      retryAfterMs,
      attempt: attemptNo,
    });
    if (error.throttled) limiter.onThrottled();
    else limiter.onSuccess();
    throw error;
  }

  function send(call: Call): Promise<ResponseBody> {
    return withRetry((n) => attempt(call, n), {
      retry,
      signal: call.signal,
      stopRetrying: call.stopRetrying,
      onRetry: ({ attempt: failed, delayMs, reason, kind }) => {
        stats.retries++;
        emit({
          type: "retry",
          method: call.method,
          path: appPath + call.resource,
          attempt: failed,
          delayMs,
          reason,
          kind,
        });
      },
    });
  }

  const only =
    (...codes: number[]) =>
    (code: number) =>
      codes.includes(code);

  /** SUCCESS, MIXED_STATUS, and a FAILURE whose inputs say which ones failed. */
  const batchOutcome = (code: number, body: ResponseBody) =>
    code === StatusCode.SUCCESS ||
    code === StatusCode.MIXED_STATUS ||
    (code === StatusCode.FAILURE &&
      Array.isArray(body.inputs) &&
      body.inputs.some((input: ApiInput) => input.status !== undefined));

  function checkBatch(what: string, size: number, max: number): void {
    if (size > max) throw new RangeError(`${what}: at most ${max} per request, got ${size}`);
  }

  async function* streamInputs(
    streamOptions: { perPage?: number; orderById?: boolean; signal?: AbortSignal } = {},
  ): AsyncGenerator<ApiInput[], void, undefined> {
    const perPage = streamOptions.perPage ?? ApiLimits.streamPerPageMax;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > ApiLimits.streamPerPageMax) {
      throw new RangeError(
        `streamInputs: perPage must be 1–${ApiLimits.streamPerPageMax}, got ${perPage}`,
      );
    }
    /** A page asked for. */
    interface PageRequest {
      after: string | undefined;
      controller: AbortController;
      page: Promise<ApiInput[]>;
    }
    /** The request whose page the caller is waiting for: its answer's text may ask ahead. */
    let waitedFor: PageRequest | undefined;
    /**
     * The page after `waitedFor`'s, asked for as soon as its text is in, from the last id read
     * off the text's end (see last-listed-id.ts): the API works on the next page while this one
     * is parsed and used. The guess is checked against the parsed page; a wrong one is dropped
     * and the page asked for again.
     */
    let ahead: PageRequest | undefined;
    /** Asks for the page after `after` unless it is asked for already; true when it asked. */
    const askAhead = (after: string): boolean => {
      if (ahead?.after === after) return false;
      ahead?.controller.abort();
      ahead = ask(after);
      return true;
    };
    const ask = (after: string | undefined): PageRequest => {
      const query = new URLSearchParams({ per_page: String(perPage) });
      if (after !== undefined) query.set("last_id", after);
      if (streamOptions.orderById === true) query.set("order_by_id", "true");
      const controller = new AbortController();
      const { signal } = streamOptions;
      const asked: PageRequest = { after, controller, page: Promise.resolve([]) };
      asked.page = send({
        method: "GET",
        resource: "/inputs/stream",
        query,
        signal:
          signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]),
        accept: only(StatusCode.SUCCESS),
        peek: (text) => {
          if (asked !== waitedFor) return false;
          const guess = lastListedId(text);
          return guess !== undefined && guess !== after && askAhead(guess);
        },
      }).then(inputsOf);
      asked.page.catch(() => {}); // surfaced by the `await` below, unless the caller stops early
      return asked;
    };
    let lastId: string | undefined;
    let asked = ask(undefined);
    try {
      for (;;) {
        waitedFor = asked;
        const page = await asked.page;
        waitedFor = undefined;
        // Only an empty page ends the stream: the API's real page cap is undocumented (reference
        // §10.4), and stopping at a short page would silently drop the rest of the app if it
        // answers fewer than asked. That costs one request per plan.
        const last = page.at(-1);
        if (last === undefined) return;
        if (last.id === lastId) {
          throw new Error(`StreamInputs did not advance past last_id ${JSON.stringify(lastId)}`);
        }
        lastId = last.id;
        // The next page is asked for before this one is handed over (if it was not already), so
        // the caller's work on a page overlaps the request for the next; at most two pages are
        // held or in flight.
        askAhead(lastId);
        asked = ahead as PageRequest;
        ahead = undefined;
        yield page;
      }
    } finally {
      asked.controller.abort();
      ahead?.controller.abort();
    }
  }

  return {
    stats,
    streamInputs,

    async postInputs(inputs, callOptions = {}) {
      checkBatch("postInputs", inputs.length, ApiLimits.maxInputsPerRequest);
      if (inputs.length === 0) return { status: { code: StatusCode.SUCCESS }, inputs: [] };
      const body = await send({
        method: "POST",
        resource: "/inputs",
        body: { inputs },
        signal: callOptions.signal,
        stopRetrying: callOptions.stopRetrying,
        accept: batchOutcome,
      });
      return { status: body.status, inputs: inputsOf(body) };
    },

    async patchInputs(inputs, action: PatchAction, callOptions = {}) {
      checkBatch("patchInputs", inputs.length, ApiLimits.maxInputsPerRequest);
      if (inputs.length === 0) return { status: { code: StatusCode.SUCCESS }, inputs: [] };
      const body = await send({
        method: "PATCH",
        resource: "/inputs",
        body: { inputs, action },
        signal: callOptions.signal,
        stopRetrying: callOptions.stopRetrying,
        accept: batchOutcome,
      });
      return { status: body.status, inputs: inputsOf(body) } satisfies MultiInputResponse;
    },

    async deleteInputs(ids, callOptions = {}) {
      checkBatch("deleteInputs", ids.length, ApiLimits.maxIdsPerDelete);
      if (ids.length === 0) return;
      await send({
        method: "DELETE",
        resource: "/inputs",
        body: { ids },
        signal: callOptions.signal,
        stopRetrying: callOptions.stopRetrying,
        accept: only(StatusCode.SUCCESS),
      });
    },

    async getInput(id, callOptions = {}) {
      const body = await send({
        method: "GET",
        resource: `/inputs/${encodeURIComponent(id)}`,
        signal: callOptions.signal,
        stopRetrying: callOptions.stopRetrying,
        accept: only(StatusCode.SUCCESS, StatusCode.CONN_DOES_NOT_EXIST),
      });
      if (body.status.code === StatusCode.CONN_DOES_NOT_EXIST) return undefined;
      return isObject(body.input) ? (body.input as unknown as ApiInput) : undefined;
    },

    async listInputsByIds(ids, callOptions = {}) {
      if (ids.length === 0) return [];
      checkBatch("listInputsByIds", ids.length, ApiLimits.listPerPageMax);
      const query = new URLSearchParams({ page: "1", per_page: String(ids.length) });
      for (const id of ids) query.append("ids", id);
      const body = await send({
        method: "GET",
        resource: "/inputs",
        query,
        signal: callOptions.signal,
        stopRetrying: callOptions.stopRetrying,
        accept: only(StatusCode.SUCCESS),
      });
      return inputsOf(body);
    },

    async getInputCount(callOptions = {}) {
      const body = await send({
        method: "GET",
        resource: "/inputs/status",
        signal: callOptions.signal,
        stopRetrying: callOptions.stopRetrying,
        accept: only(StatusCode.SUCCESS),
      });
      return countsOf(body.counts);
    },

    async downloadHostedImage(url, callOptions = {}) {
      if (!mayCarryToken(url, options.apiBase)) throw new HostedImageRefused(url);
      await limiter.acquire(callOptions.signal);
      stats.requests++;
      const response = await request(url, {
        dispatcher,
        method: "GET",
        headers: { authorization: `Key ${pat}` },
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new HostedImageError(`HTTP ${response.statusCode} from ${new URL(url).origin}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size >= ApiLimits.maxImageBytes) {
          response.body.destroy();
          throw new HostedImageError(`image over ${ApiLimits.maxImageBytes} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      return new Uint8Array(Buffer.concat(chunks));
    },

    async close() {
      await ownAgent?.close();
    },
  };
}

function parseBody(text: string): ResponseBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? (value as ResponseBody) : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Status codes as numbers everywhere (the API may send enum names; reference §1). */
function normaliseStatuses(body: ResponseBody, code: number): void {
  body.status = { ...body.status, code };
  const inputs = body.inputs ?? (isObject(body.input) ? [body.input] : []);
  if (!Array.isArray(inputs)) return;
  for (const input of inputs as Array<{ status?: { code?: unknown } }>) {
    const parsed = parseStatusCode(input.status?.code);
    // An unknown enum name is left as sent; callers compare numbers, so it reads as a failure.
    if (input.status !== undefined && parsed !== undefined) input.status.code = parsed;
  }
}

function inputsOf(body: ResponseBody): ApiInput[] {
  return Array.isArray(body.inputs) ? (body.inputs as ApiInput[]) : [];
}

/** Counters are uint32 (always sent); accept numeric strings too. */
function countsOf(raw: unknown): InputCounts {
  const source = isObject(raw) ? raw : {};
  const read = (key: keyof InputCounts) => Number(source[key] ?? 0) || 0;
  return {
    processed: read("processed"),
    to_process: read("to_process"),
    errors: read("errors"),
    processing: read("processing"),
    reindexed: read("reindexed"),
    to_reindex: read("to_reindex"),
    reindex_errors: read("reindex_errors"),
    reindexing: read("reindexing"),
  };
}

function optionalRedacted(value: unknown, redact: (text: string) => string): string | undefined {
  return typeof value === "string" ? redact(value) : undefined;
}

/** The start of an unexpected body, on one line. */
function snippet(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
