/**
 * The read endpoints: ListInputs, StreamInputs, GetInput, GetInputCount. Apps that have never
 * been written to read as empty.
 */
import { ApiLimits } from "../api/types.js";
import { formatMicros } from "./clock.js";
import { RequestError } from "./json-request.js";
import { QueryParams } from "./query.js";
import { InputRenderer } from "./render.js";
import { type Handler, type HandlerContext, reply } from "./reply.js";
import { Code } from "./status-codes.js";

/** `per_page`, checked against `max`; 0 or absent means `fallback`. */
function perPage(q: QueryParams, fallback: number, max: number): number {
  const value = q.uint("per_page");
  if (value > max) {
    throw new RequestError(
      Code.CONN_INVALID_RANGE,
      `per_page must be at most ${max}, got ${value}`,
    );
  }
  return value === 0 ? fallback : value;
}

/** Reads show stored times with 6 digits. `app` is unused when no row is rendered. */
function readRenderer(ctx: HandlerContext, app: number | undefined): InputRenderer {
  return new InputRenderer({ ...ctx.app, key: app ?? 0 }, formatMicros, ctx.config.hosted);
}

export const listInputs: Handler = (ctx) => {
  const q = new QueryParams(ctx.query, ["page", "per_page", "ids", "status.code"]);
  const page = Math.max(1, q.uint("page"));
  const size = perPage(q, ApiLimits.listPerPageDefault, ApiLimits.listPerPageMax);
  const ids = q.all("ids").filter((id) => id !== "");
  const statusCode = q.statusCode("status.code");
  const app = ctx.store.appKey(ctx.app, false);
  const rows =
    app === undefined
      ? []
      : ctx.store.list(app, {
          page,
          perPage: size,
          ...(ids.length > 0 ? { ids } : {}),
          ...(statusCode !== undefined ? { statusCode } : {}),
        });
  const renderer = readRenderer(ctx, app);
  return reply("multi", Code.SUCCESS, ctx.reqId, { payload: renderer.inputs(rows) });
};

export const streamInputs: Handler = (ctx) => {
  const q = new QueryParams(ctx.query, ["per_page", "last_id", "descending", "order_by_id"]);
  const size = perPage(q, ApiLimits.streamPerPageDefault, ApiLimits.streamPerPageMax);
  const lastId = q.string("last_id") || undefined;
  const descending = q.bool("descending");
  const orderById = q.bool("order_by_id");
  const app = ctx.store.appKey(ctx.app, false);
  if (app === undefined) {
    if (lastId !== undefined && !orderById) throw unknownLastId(lastId);
    return reply("multi", Code.SUCCESS, ctx.reqId);
  }
  const rows = ctx.store.stream(app, {
    perPage: size,
    descending,
    orderById,
    ...(lastId !== undefined ? { lastId } : {}),
  });
  if (!rows) throw unknownLastId(lastId ?? "");
  const renderer = readRenderer(ctx, app);
  return reply("multi", Code.SUCCESS, ctx.reqId, { payload: renderer.inputs(rows) });
};

function unknownLastId(lastId: string): RequestError {
  return new RequestError(
    Code.CONN_DOES_NOT_EXIST,
    `last_id "${lastId}" is not an input of this app`,
  );
}

export const getInput: Handler = (ctx) => {
  // No query parameters besides user_app_id; anything else is refused.
  QueryParams.read(ctx.query, []);
  const id = ctx.inputId ?? "";
  const app = ctx.store.appKey(ctx.app, false);
  const row = app === undefined ? undefined : ctx.store.getInput(app, id);
  if (!row || app === undefined)
    throw new RequestError(Code.CONN_DOES_NOT_EXIST, `Input ${id} not found`);
  const renderer = readRenderer(ctx, app);
  return reply("single", Code.SUCCESS, ctx.reqId, { payload: renderer.input(row) });
};

export const getInputCount: Handler = (ctx) => {
  // No query parameters besides user_app_id; anything else is refused.
  QueryParams.read(ctx.query, []);
  const app = ctx.store.appKey(ctx.app, false);
  const counts = app === undefined ? new Map<number, number>() : ctx.store.countByStatus(app);
  let processed = 0;
  let toProcess = 0;
  let processing = 0;
  let errors = 0;
  for (const [status, n] of counts) {
    if (status === Code.INPUT_SUCCESS) processed += n;
    else if (status === Code.INPUT_PENDING) toProcess += n;
    else if (status === Code.INPUT_IN_PROGRESS) processing += n;
    else errors += n;
  }
  const payload =
    `{"processed":${processed},"to_process":${toProcess},"errors":${errors},"processing":${processing},` +
    `"reindexed":0,"to_reindex":0,"reindex_errors":0,"reindexing":0}`;
  return reply("count", Code.SUCCESS, ctx.reqId, { payload });
};
