/**
 * The HTTP front of the emulator (node:http, no framework). Every request goes through the same
 * steps, in the order a gateway would apply them: route → credentials → rate limit → injected
 * fault → body → app → handler. The body is read only once the credentials passed, and read as it
 * streams in up to the request limit (past it the rest is discarded unread, never buffered).
 * `/_emulator/*` and `/_hosted/*` bypass all of them and are never counted.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { getInput, getInputCount, listInputs, streamInputs } from "./endpoints-read.js";
import { deleteInput, deleteInputs, patchInputs, postInputs } from "./endpoints-write.js";
import { FaultInjector, RollingWindowLimit } from "./faults.js";
import {
  contentTypeOf,
  HOSTED_PATH,
  HOSTED_SIZES,
  type HostedConfig,
  parseHostedPath,
} from "./hosted.js";
import type { IndexingWorker } from "./indexing-worker.js";
import {
  isPlainObject,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  RequestError,
  readMessage,
  readString,
  UserAppIDSetSpec,
} from "./json-request.js";
import type { ResolvedOptions } from "./options.js";
import {
  type Handler,
  newReqId,
  type Reply,
  type ResponseKind,
  reply,
  responseKind,
} from "./reply.js";
import { type InputsEndpoint, matchRoute, type PathApp, type Route } from "./routes.js";
import type { EndpointName, StatsCollector } from "./stats.js";
import { Code } from "./status-codes.js";
import type { AppRef, EmulatorStore, StoredImage } from "./store.js";

const handlers: Record<InputsEndpoint, Handler> = {
  PostInputs: postInputs,
  ListInputs: listInputs,
  StreamInputs: streamInputs,
  GetInput: getInput,
  GetInputCount: getInputCount,
  PatchInputs: patchInputs,
  DeleteInput: deleteInput,
  DeleteInputs: deleteInputs,
};

const MALFORMED_AUTH =
  "Empty or malformed authorization header. Please provide an API key or session token.";

type Body = { kind: "ok"; bytes: Buffer } | { kind: "too-large"; size: number };

/**
 * Reads the body as it streams in. A declared or actual size over `max` stops the reading at
 * once: the rest of the body is drained and dropped (never buffered), the connection stays usable.
 */
function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const declared = Number(req.headers["content-length"]);
  // Unread, node discards the body once the reply is sent.
  if (declared > max) return Promise.resolve({ kind: "too-large", size: declared });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      stop();
      chunks.length = 0;
      req.resume();
      resolve({ kind: "too-large", size });
    };
    const onEnd = () => {
      stop();
      resolve({ kind: "ok", bytes: Buffer.concat(chunks) });
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** The `Key` token of an `Authorization` header; undefined when missing or malformed. */
function keyToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Key (\S+)$/.exec(header)?.[1];
}

export interface ServerDeps {
  store: EmulatorStore;
  worker: IndexingWorker;
  options: ResolvedOptions;
  stats: StatsCollector;
  /** How replies show hosted copies (the prefix holds the emulator's own origin). */
  hosted: HostedConfig;
}

/** What one API request produced, for the stats. */
interface Outcome {
  reply: Reply;
  endpoint: EndpointName;
  batch?: number;
  throttled?: boolean;
  fault?: boolean;
}

export class EmulatorRequestHandler {
  private readonly limiter: RollingWindowLimit | undefined;
  private readonly faults: FaultInjector;

  constructor(private readonly deps: ServerDeps) {
    const { rateLimit, clock } = deps.options;
    this.limiter =
      rateLimit > 0 ? new RollingWindowLimit(rateLimit, () => clock.nowMs()) : undefined;
    this.faults = new FaultInjector(deps.options.faultRate, deps.options.seed);
  }

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const r = reply("base", Code.INTERNAL_SERVER_ISSUE, newReqId(), { details: String(error) });
        send(res, r);
      } else {
        res.destroy();
      }
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator");
    const method = req.method ?? "GET";
    if (url.pathname.startsWith("/_emulator/")) {
      send(res, this.emulatorEndpoint(method, url.pathname));
      return;
    }
    if (url.pathname.startsWith(`${HOSTED_PATH}/`)) {
      this.serveHosted(req, res, method, url.pathname);
      return;
    }
    // Every reply is delayed by `--latency-ms`, once: on an admitted request before it is read and
    // handled, after the rate limit has counted it on arrival (as a gateway counts requests).
    let delayed = this.deps.options.latencyMs <= 0;
    const latency = async () => {
      if (delayed) return;
      delayed = true;
      await sleep(this.deps.options.latencyMs);
    };
    const outcome = await this.answer(req, method, url, latency);
    await latency();
    const { reply: r } = outcome;
    this.deps.stats.record(
      {
        at: Math.round(this.deps.options.clock.nowMs()),
        method,
        path: url.pathname + url.search,
        endpoint: outcome.endpoint,
        httpStatus: r.http,
        code: r.code,
        ...(outcome.batch !== undefined ? { batch: outcome.batch } : {}),
      },
      {
        ...(outcome.throttled ? { throttled: true } : {}),
        ...(outcome.fault ? { fault: true } : {}),
      },
    );
    send(res, r);
  }

  private async answer(
    req: IncomingMessage,
    method: string,
    url: URL,
    latency: () => Promise<void>,
  ): Promise<Outcome> {
    const reqId = newReqId();
    const route: Route = matchRoute(method, url.pathname);
    if (route.kind === "not-found") {
      return {
        endpoint: "Unknown",
        reply: reply("base", Code.CONN_DOES_NOT_EXIST, reqId, {
          details: `no route for ${method} ${url.pathname}`,
        }),
      };
    }
    if (route.kind === "method-not-allowed") {
      const r = reply("base", Code.CONN_METHOD_NOT_ALLOWED, reqId, {
        details: `${method} is not allowed on ${url.pathname}`,
      });
      return { endpoint: "Unknown", reply: { ...r, headers: { allow: route.allow.join(", ") } } };
    }
    if (route.kind === "not-implemented") {
      return {
        endpoint: "Unknown",
        reply: reply("base", Code.NOT_IMPLEMENTED, reqId, {
          details: `${route.rpc} is not modeled by the emulator`,
        }),
      };
    }
    const endpoint = route.endpoint;
    const kind = responseKind[endpoint];
    const fail = (code: number, details: string, http?: number): Outcome => ({
      endpoint,
      reply: reply(kind, code, reqId, http === undefined ? { details } : { details, http }),
    });

    const token = keyToken(req.headers.authorization);
    if (token === undefined) return fail(Code.CONN_INVALID_REQUEST, MALFORMED_AUTH, 401);
    if (this.deps.options.pat !== undefined && token !== this.deps.options.pat) {
      return fail(Code.CONN_KEY_NOT_FOUND, "invalid key");
    }

    if (this.limiter && !this.limiter.take()) {
      // Like a strict server: no Retry-After (README, guess 12).
      const details = `exceeded limit of ${this.deps.options.rateLimit} requests per second`;
      return { ...fail(Code.CONN_THROTTLED, details), throttled: true };
    }
    await latency();
    const fault = this.faults.next();
    if (fault && !fault.afterHandler) return { ...fail(fault.code, fault.details), fault: true };

    let batch: number | undefined;
    let result: Reply;
    try {
      const body = await readBody(req, this.deps.options.maxRequestBytes);
      if (body.kind === "too-large") {
        throw new RequestError(
          Code.RPC_MAX_MESSAGE_SIZE_EXCEEDED,
          `request body of ${body.size} bytes exceeds ${this.deps.options.maxRequestBytes} bytes`,
        );
      }
      const parsed = method === "GET" ? undefined : parseJsonBody(body.bytes);
      const app = this.resolveApp(route.app, url.searchParams, parsed);
      result = handlers[endpoint]({
        store: this.deps.store,
        app,
        reqId,
        query: url.searchParams,
        body: parsed,
        ...(route.inputId !== undefined ? { inputId: route.inputId } : {}),
        config: {
          indexDelayMs: this.deps.options.indexDelayMs,
          deleteDelayMs: this.deps.options.deleteDelayMs,
          maxImageBytes: this.deps.options.maxImageBytes,
          hosted: this.deps.hosted,
        },
        noteBatch: (size) => {
          batch = size;
        },
        afterWrite: () => this.deps.worker.wake(),
      });
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      result = errorReply(kind, error, reqId);
    }
    const withBatch = batch === undefined ? {} : { batch };
    if (fault) return { ...fail(fault.code, fault.details), ...withBatch, fault: true };
    return { endpoint, reply: result, ...withBatch };
  }

  /** The app a request addresses: the path's, or for the short form the request's or `--app`. */
  private resolveApp(
    pathApp: PathApp,
    query: URLSearchParams,
    body: Record<string, unknown> | undefined,
  ): AppRef {
    const bound = this.deps.options.app;
    if (pathApp.kind === "path") {
      const userId = pathApp.userId === "me" && bound ? bound.userId : pathApp.userId;
      return { userId, appId: pathApp.appId };
    }
    const fromQuery = {
      userId: query.get("user_app_id.user_id") ?? query.get("userAppId.userId") ?? "",
      appId: query.get("user_app_id.app_id") ?? query.get("userAppId.appId") ?? "",
    };
    if (fromQuery.userId && fromQuery.appId) return fromQuery;
    const set = readMessage(body?.user_app_id ?? body?.userAppId, UserAppIDSetSpec, "user_app_id");
    if (set) {
      const userId = readString(set.user_id, "user_app_id.user_id");
      const appId = readString(set.app_id, "user_app_id.app_id");
      if (userId && appId) return { userId, appId };
    }
    if (bound) return bound;
    throw new RequestError(Code.CONN_KEY_INVALID, "Must provide app external ID in API authorizer");
  }

  /**
   * `GET /_hosted/{size}/users/{user}/apps/{app}/inputs/image/{name}`: the bytes of an uploaded
   * image, in every size (the emulator does not resize). As the API's hosting: no credentials →
   * 404, a key other than `--pat` → 401 (reference datasets §9a point 5).
   */
  private serveHosted(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    pathname: string,
  ): void {
    const found = this.hostedImage(req, method, pathname);
    if ("http" in found) {
      send(res, found);
      return;
    }
    res.writeHead(200, {
      "content-type": contentTypeOf(found.format),
      "content-length": found.bytes.length,
    });
    res.end(method === "HEAD" ? undefined : found.bytes);
  }

  /** The stored image a `/_hosted/…` request names, or the reply refusing it. */
  private hostedImage(req: IncomingMessage, method: string, pathname: string): StoredImage | Reply {
    const notFound = jsonReply(404, { error: "not found" });
    if (method !== "GET" && method !== "HEAD") {
      return {
        ...jsonReply(405, { error: "method not allowed" }),
        headers: { allow: "GET, HEAD" },
      };
    }
    const token = keyToken(req.headers.authorization);
    if (token === undefined) return notFound;
    if (this.deps.options.pat !== undefined && token !== this.deps.options.pat) {
      return jsonReply(401, { error: "invalid key" });
    }
    const path = parseHostedPath(pathname);
    if (!path || !(HOSTED_SIZES as readonly string[]).includes(path.size)) return notFound;
    const app = this.deps.store.appKey({ userId: path.userId, appId: path.appId }, false);
    return (app === undefined ? undefined : this.deps.store.getImage(app, path.name)) ?? notFound;
  }

  private emulatorEndpoint(method: string, pathname: string): Reply {
    const json = jsonReply;
    if (method === "GET" && pathname === "/_emulator/stats") {
      return json(200, this.deps.stats.snapshot(this.deps.store.totals()));
    }
    if (method === "GET" && pathname === "/_emulator/requests")
      return json(200, this.deps.stats.recent());
    if (method === "POST" && pathname === "/_emulator/reset") {
      this.deps.stats.reset();
      return json(200, { ok: true });
    }
    return json(404, { error: `unknown emulator endpoint ${method} ${pathname}` });
  }
}

/** A plain JSON reply (the emulator's own endpoints, not the API's envelope). */
function jsonReply(http: number, value: unknown): Reply {
  return { http, code: 0, body: JSON.stringify(value) };
}

function parseJsonBody(bytes: Buffer): Record<string, unknown> | undefined {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError(
      Code.CONN_BAD_REQUEST_FORMAT,
      `Failed to parse the request body as JSON: ${(error as Error).message}`,
    );
  }
  if (!isPlainObject(value))
    throw new RequestError(Code.CONN_BAD_REQUEST_FORMAT, "The request body must be a JSON object");
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new RequestError(
      Code.CONN_BAD_REQUEST_FORMAT,
      `The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  return value;
}

function errorReply(kind: ResponseKind, error: RequestError, reqId: string): Reply {
  // A missing app on the short form is a credentials problem: 401 like the API.
  const http = error.code === Code.CONN_KEY_INVALID ? 401 : undefined;
  return reply(
    kind,
    error.code,
    reqId,
    http === undefined ? { details: error.details } : { details: error.details, http },
  );
}

function send(res: ServerResponse, r: Reply): void {
  // Encoded once: measuring the text's length and then writing it encodes a page (~750 KB) twice.
  const body = Buffer.from(r.body);
  res.writeHead(r.http, {
    "content-type": "application/json",
    "content-length": body.length,
    ...r.headers,
  });
  res.end(body);
}
