/**
 * The HTTP front of the emulator (node:http, no framework). Every request goes through the same
 * steps, in the order a gateway would apply them: route → credentials → rate limit → injected
 * fault → body → app → handler. `/_emulator/*` bypasses all of them and is never counted.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { getInput, getInputCount, listInputs, streamInputs } from "./endpoints-read.js";
import { deleteInput, deleteInputs, patchInputs, postInputs } from "./endpoints-write.js";
import { FaultInjector, RateLimiter } from "./faults.js";
import type { IndexingWorker } from "./indexing-worker.js";
import {
  isPlainObject,
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
import type { AppRef, EmulatorStore } from "./store.js";

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

async function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Past the cap, keep draining so the connection stays usable, but keep nothing.
    if (size <= max) chunks.push(chunk);
  }
  return size > max ? { kind: "too-large", size } : { kind: "ok", bytes: Buffer.concat(chunks) };
}

export interface ServerDeps {
  store: EmulatorStore;
  worker: IndexingWorker;
  options: ResolvedOptions;
  stats: StatsCollector;
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
  private readonly limiter: RateLimiter | undefined;
  private readonly faults: FaultInjector;

  constructor(private readonly deps: ServerDeps) {
    this.limiter = deps.options.rateLimit > 0 ? new RateLimiter(deps.options.rateLimit) : undefined;
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
    const body = await readBody(req, this.deps.options.maxRequestBytes);
    if (url.pathname.startsWith("/_emulator/")) {
      send(res, this.emulatorEndpoint(method, url.pathname));
      return;
    }
    if (this.deps.options.latencyMs > 0) await sleep(this.deps.options.latencyMs);
    const outcome = this.answer(req, method, url, body);
    const { reply: r } = outcome;
    this.deps.stats.record(
      {
        at: Date.now(),
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

  private answer(req: IncomingMessage, method: string, url: URL, body: Body): Outcome {
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

    const auth = req.headers.authorization;
    const token = auth === undefined ? undefined : /^Key (\S+)$/.exec(auth)?.[1];
    if (token === undefined) return fail(Code.CONN_INVALID_REQUEST, MALFORMED_AUTH, 401);
    if (this.deps.options.pat !== undefined && token !== this.deps.options.pat) {
      return fail(Code.CONN_KEY_NOT_FOUND, "invalid key");
    }

    if (this.limiter) {
      const taken = this.limiter.take();
      if (!taken.ok) {
        const r = reply(kind, Code.CONN_THROTTLED, reqId, {
          details: `exceeded limit of ${this.deps.options.rateLimit} requests per second`,
        });
        return {
          endpoint,
          throttled: true,
          reply: { ...r, headers: { "retry-after": String(taken.retryAfterSeconds) } },
        };
      }
    }
    const fault = this.faults.next();
    if (fault && !fault.afterHandler) return { ...fail(fault.code, fault.details), fault: true };

    let batch: number | undefined;
    let result: Reply;
    try {
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
          maxImageBytes: this.deps.options.downloadMaxBytes,
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

  private emulatorEndpoint(method: string, pathname: string): Reply {
    const json = (http: number, value: unknown): Reply => ({
      http,
      code: 0,
      body: JSON.stringify(value),
    });
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
  res.writeHead(r.http, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(r.body),
    ...r.headers,
  });
  res.end(r.body);
}
