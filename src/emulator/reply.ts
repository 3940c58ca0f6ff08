/**
 * What a handler answers, and the response envelopes of the four response messages the inputs
 * endpoints use (MultiInputResponse, SingleInputResponse, SingleInputCountResponse, BaseResponse).
 */
import { randomBytes } from "node:crypto";
import type { HostedConfig } from "./hosted.js";
import { renderTopStatus } from "./render.js";
import type { InputsEndpoint } from "./routes.js";
import { httpStatusFor } from "./status-codes.js";
import type { AppRef, EmulatorStore } from "./store.js";

/** The response message an endpoint answers with; it shapes error bodies too. */
export type ResponseKind = "multi" | "single" | "count" | "base";

export const responseKind: Record<InputsEndpoint, ResponseKind> = {
  PostInputs: "multi",
  ListInputs: "multi",
  StreamInputs: "multi",
  PatchInputs: "multi",
  GetInput: "single",
  GetInputCount: "count",
  DeleteInput: "base",
  DeleteInputs: "base",
};

export interface Reply {
  http: number;
  /** The top-level status code. */
  code: number;
  body: string;
  headers?: Record<string, string>;
}

/** 32 hex characters, like the API's req_id. */
export function newReqId(): string {
  return randomBytes(16).toString("hex");
}

/**
 * A reply of `kind` with status `code`. `payload` is the JSON of the message's other field
 * (`inputs` list, `input`, `counts`); a multi reply always carries `inputs` (cl_show_if_empty).
 */
export function reply(
  kind: ResponseKind,
  code: number,
  reqId: string,
  options: { details?: string; payload?: string; http?: number } = {},
): Reply {
  const status = renderTopStatus(code, reqId, options.details);
  let body: string;
  switch (kind) {
    case "multi":
      body = `{"status":${status},"inputs":${options.payload ?? "[]"}}`;
      break;
    case "single":
      body = options.payload
        ? `{"status":${status},"input":${options.payload}}`
        : `{"status":${status}}`;
      break;
    case "count":
      body = options.payload
        ? `{"status":${status},"counts":${options.payload}}`
        : `{"status":${status}}`;
      break;
    case "base":
      body = `{"status":${status}}`;
      break;
  }
  return { http: options.http ?? httpStatusFor(code), code, body };
}

/** Settings the handlers need. */
interface HandlerConfig {
  indexDelayMs: number;
  deleteDelayMs: number;
  /** An uploaded image must be smaller than this. */
  maxImageBytes: number;
  hosted: HostedConfig;
}

/** Everything a handler gets about one request. */
export interface HandlerContext {
  store: EmulatorStore;
  app: AppRef;
  reqId: string;
  query: URLSearchParams;
  /** The parsed JSON body (an object), or undefined when there was none. */
  body: Record<string, unknown> | undefined;
  /** The `{input_id}` path segment, for GetInput and DeleteInput. */
  inputId?: string;
  config: HandlerConfig;
  /** Records the number of inputs/ids the request carried (for the stats). */
  noteBatch(size: number): void;
  /** Called after a write that gave the workers something to do. */
  afterWrite(): void;
}

export type Handler = (ctx: HandlerContext) => Reply;
