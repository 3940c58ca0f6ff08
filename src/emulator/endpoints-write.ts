/**
 * The write endpoints: PostInputs, PatchInputs, DeleteInput, DeleteInputs. Batch endpoints judge
 * every input on its own and answer SUCCESS, MIXED_STATUS (207) or FAILURE (400) with a status
 * per input; request-level problems (shape, size, action) fail the whole request.
 */
import { randomUUID } from "node:crypto";
import { ApiLimits, type PatchAction } from "../api/types.js";
import { formatNanos } from "./clock.js";
import { hostedName } from "./hosted.js";
import { firstDue } from "./indexing-worker.js";
import {
  checkConcepts,
  type InputProblem,
  type ParsedInput,
  parseData,
  parsePostInput,
} from "./input-parse.js";
import {
  badFormat,
  DeleteInputsRequestSpec,
  InputSpec,
  PatchInputsRequestSpec,
  PostInputsRequestSpec,
  RequestError,
  readArray,
  readMessage,
  readString,
  readStringList,
} from "./json-request.js";
import { applyPatch, storedConcept } from "./patch-rules.js";
import { QueryParams } from "./query.js";
import { InputRenderer, type InputRow, parseRest, renderRest, renderStatus } from "./render.js";
import { type Handler, type HandlerContext, reply } from "./reply.js";
import { Code } from "./status-codes.js";
import type { RowKey } from "./store.js";

/** Inputs per PostInputs/PatchInputs request, ids per DeleteInputs request. */
const MAX_BATCH = ApiLimits.maxInputsPerRequest;

function newInputId(): string {
  return randomUUID().replaceAll("-", "");
}

/** Write replies carry the in-memory time: 9 fractional digits. */
function writeRenderer(ctx: HandlerContext, app: number): InputRenderer {
  // The sub-microsecond digits are derived from the microseconds so that equal times print equal.
  return new InputRenderer(
    { ...ctx.app, key: app },
    (us) => formatNanos(us, ((us % 1000) * 7919 + 17) % 1000),
    ctx.config.hosted,
  );
}

function checkBatchSize(size: number, what: string): void {
  if (size === 0)
    throw new RequestError(Code.CONN_INVALID_REQUEST, `${what}: at least one is required`);
  if (size > MAX_BATCH) {
    throw new RequestError(
      Code.CONN_INVALID_REQUEST,
      `${what}: at most ${MAX_BATCH} per request, got ${size}`,
    );
  }
}

/** SUCCESS, MIXED_STATUS or FAILURE from per-item outcomes. */
function batchCode(failed: number, total: number): number {
  if (failed === 0) return Code.SUCCESS;
  return failed === total ? Code.FAILURE : Code.MIXED_STATUS;
}

function failedItem(input: { id: string; data?: string }, problem: InputProblem): string {
  const id = input.id ? `"id":${JSON.stringify(input.id)},` : "";
  const data = input.data ? `"data":${input.data},` : "";
  return `{${id}${data}"status":${renderStatus(problem.code, problem.details)}}`;
}

const conflictResolutions: Record<string, number> = {
  INPUT_ID_CONFLICT_RESOLUTION_NOT_SET: 0,
  SKIP: 1,
  SUFFIX: 2,
};

function readConflictResolution(value: unknown): "skip" | "suffix" {
  if (value === undefined) return "skip";
  const code = typeof value === "string" ? conflictResolutions[value] : value;
  if (code === 0 || code === 1) return "skip";
  if (code === 2) return "suffix";
  throw badFormat(`input_id_conflict_resolution: unknown value ${JSON.stringify(value)}`);
}

/**
 * Our guess for the code (reference §10 q1): INPUT_DUPLICATE, with that code's description like
 * every status; the details text is what the Python SDK matches on.
 */
const duplicateId = (): InputProblem => ({
  code: Code.INPUT_DUPLICATE,
  details: "Input has a duplicate ID.",
});

export const postInputs: Handler = (ctx) => {
  // No query parameters besides user_app_id; anything else is refused.
  QueryParams.read(ctx.query, []);
  const request = readMessage(ctx.body ?? {}, PostInputsRequestSpec, "request") ?? {};
  const items = readArray(request.inputs, "inputs");
  ctx.noteBatch(items.length);
  checkBatchSize(items.length, "inputs");
  readString(request.inputs_add_job_id, "inputs_add_job_id");
  const resolution = readConflictResolution(request.input_id_conflict_resolution);
  const limits = { maxImageBytes: ctx.config.maxImageBytes };
  const parsed = items.map((item, i) => parsePostInput(item, `inputs[${i}]`, limits));

  const store = ctx.store;
  const out: string[] = [];
  let failed = 0;
  store.transaction(() => {
    const app = store.appKey(ctx.app, true)!;
    const renderer = writeRenderer(ctx, app);
    const seen = new Set<string>();
    const idTaken = (id: string) => seen.has(id) || store.inputState(app, id) !== undefined;
    for (const input of parsed) {
      const data = dataOf(input, ctx.app.appId);
      const problem =
        input.problem ?? placementProblem(input, { app, seen, idTaken, resolution, ctx });
      if (input.id) seen.add(input.id);
      if (problem) {
        failed++;
        out.push(failedItem({ id: input.id, data: renderer.data(data) }, problem));
        continue;
      }
      const id = input.id || newInputId();
      seen.add(id);
      const created = store.clock.now();
      const row: InputRow = {
        ...data,
        seq: 0,
        id,
        created,
        modified: created,
        status: Code.INPUT_PENDING,
        details: null,
      };
      const facts =
        input.bytesFacts === undefined
          ? null
          : input.bytesFacts
            ? JSON.stringify(input.bytesFacts)
            : "none";
      row.seq = store.insertInput({
        app,
        id,
        url: row.url,
        rest: row.rest,
        created,
        status: Code.INPUT_PENDING,
        due: firstDue(created, ctx.config.indexDelayMs),
        facts,
      });
      const bytes = input.image?.bytes;
      if (bytes) {
        const format = input.bytesFacts?.format ?? null;
        store.insertImage({ app, seq: row.seq }, hostedName(app, id, created), bytes, format);
      }
      out.push(renderer.input(row));
    }
  });
  if (failed < parsed.length) ctx.afterWrite();
  return reply("multi", batchCode(failed, parsed.length), ctx.reqId, {
    payload: `[${out.join(",")}]`,
  });
};

/** The stored shape of a parsed input's data (concept names filled, `app_id` implied). */
function dataOf(
  input: ParsedInput,
  appId: string,
): Pick<InputRow, "url" | "rest" | "hosted" | "info"> {
  const rest = renderRest(
    {
      concepts: (input.concepts ?? []).map((c) => storedConcept(c)),
      metadata: input.metadata ?? {},
      ...(input.geo ? { geo: input.geo } : {}),
    },
    appId,
  );
  return { url: input.image?.url ?? null, rest, hosted: null, info: null };
}

/**
 * Duplicate-id and duplicate-URL rules against the app and the earlier inputs of the request.
 * With SUFFIX resolution a taken id is renamed in place (`id-1`…`id-9`, then a random suffix).
 */
function placementProblem(
  input: ParsedInput,
  env: {
    app: number;
    seen: Set<string>;
    idTaken: (id: string) => boolean;
    resolution: "skip" | "suffix";
    ctx: HandlerContext;
  },
): InputProblem | undefined {
  if (input.id) {
    if (env.seen.has(input.id)) return duplicateId();
    if (env.idTaken(input.id)) {
      if (env.resolution === "skip") return duplicateId();
      const candidates = [
        ...Array.from({ length: 9 }, (_, i) => `${input.id}-${i + 1}`),
        `${input.id}-${newInputId().slice(0, 8)}`,
      ];
      const free = candidates.find((id) => id.length <= 48 && !env.idTaken(id));
      if (!free) return duplicateId();
      input.id = free;
    }
  }
  const image = input.image;
  if (
    image?.url !== undefined &&
    !image.allowDuplicateUrl &&
    env.ctx.store.urlTaken(env.app, image.url)
  ) {
    return { code: Code.INPUT_DUPLICATE, details: `URL already in this app: ${image.url}` };
  }
  return undefined;
}

function readAction(value: unknown): PatchAction {
  const action = readString(value, "action");
  if (action === "merge" || action === "overwrite" || action === "remove") return action;
  throw new RequestError(
    Code.CONN_INVALID_REQUEST,
    `action must be "merge", "overwrite" or "remove", got ${JSON.stringify(action)}`,
  );
}

export const patchInputs: Handler = (ctx) => {
  // No query parameters besides user_app_id; anything else is refused.
  QueryParams.read(ctx.query, []);
  const request = readMessage(ctx.body ?? {}, PatchInputsRequestSpec, "request") ?? {};
  const items = readArray(request.inputs, "inputs");
  ctx.noteBatch(items.length);
  checkBatchSize(items.length, "inputs");
  const action = readAction(request.action);
  const patches = items.map((item, i) => {
    const raw = readMessage(item, InputSpec, `inputs[${i}]`) ?? {};
    return {
      id: readString(raw.id, `inputs[${i}].id`),
      ...parseData(raw.data, `inputs[${i}].data`),
    };
  });

  const store = ctx.store;
  const out: string[] = [];
  let failed = 0;
  store.transaction(() => {
    const app = store.appKey(ctx.app, false);
    const renderer = writeRenderer(ctx, app ?? 0);
    const seen = new Set<string>();
    for (const patch of patches) {
      const target = patchTarget(ctx, app, patch, seen);
      seen.add(patch.id);
      if ("problem" in target) {
        failed++;
        out.push(failedItem({ id: patch.id }, target.problem));
        continue;
      }
      const row = target.row;
      const next = applyPatch(parseRest(row.rest), patch.data, action);
      const updated: InputRow = {
        ...row,
        rest: renderRest(next, ctx.app.appId),
        modified: store.clock.now(),
      };
      store.updateData({ app: app!, seq: row.seq }, updated.rest, updated.modified);
      out.push(renderer.input(updated, renderStatus(Code.INPUT_MODIFY_SUCCESS)));
    }
  });
  return reply("multi", batchCode(failed, patches.length), ctx.reqId, {
    payload: `[${out.join(",")}]`,
  });
};

type ParsedPatch = ReturnType<typeof parseData> & { id: string };

/** The stored input a patch applies to, or why it cannot apply. */
function patchTarget(
  ctx: HandlerContext,
  app: number | undefined,
  patch: ParsedPatch,
  seen: Set<string>,
): { row: InputRow } | { problem: InputProblem } {
  const invalid = (details: string) => ({ problem: { code: Code.INPUT_INVALID_REQUEST, details } });
  const missing = (details: string) => ({ problem: { code: Code.INPUT_DOES_NOT_EXIST, details } });
  if (patch.id === "") return invalid("Input id is required");
  if (seen.has(patch.id)) return invalid("Input id is listed twice in this request");
  const row = app === undefined ? undefined : ctx.store.getInput(app, patch.id);
  if (app === undefined || !row) return missing(`Input ${patch.id} does not exist`);
  if (ctx.store.inputState(app, patch.id)?.deleting)
    return missing(`Input ${patch.id} is being deleted`);
  const problem = patchProblem(patch, row);
  return problem ? { problem } : { row };
}

function patchProblem(patch: ParsedPatch, row: InputRow): InputProblem | undefined {
  const [medium] = patch.media;
  if (medium)
    return {
      code: Code.INPUT_UNSUPPORTED_FORMAT,
      details: `data.${medium}: the emulator models image inputs only`,
    };
  const [field] = patch.unmodeled;
  if (field)
    return {
      code: Code.INPUT_INVALID_ARGUMENT,
      details: `${field} cannot be patched in the emulator`,
    };
  const image = patch.image;
  if (image && (image.sentBytes || (image.url !== undefined && image.url !== row.url))) {
    return {
      code: Code.INPUT_INVALID_ARGUMENT,
      details: "the image of an input cannot be patched; delete the input and create it again",
    };
  }
  return checkConcepts(patch.data.concepts);
}

/** Deletes now, or (with a delete delay) marks the input deleting until the delay ends. */
function deleteRow(ctx: HandlerContext, key: RowKey): void {
  const delay = ctx.config.deleteDelayMs;
  ctx.store.deleteInput(key, delay > 0 ? ctx.store.clock.now() + delay * 1000 : undefined);
}

export const deleteInput: Handler = (ctx) => {
  // No query parameters besides user_app_id; anything else is refused.
  QueryParams.read(ctx.query, []);
  const id = ctx.inputId ?? "";
  ctx.store.transaction(() => {
    const app = ctx.store.appKey(ctx.app, false);
    const state = app === undefined ? undefined : ctx.store.inputState(app, id);
    if (!state) throw new RequestError(Code.CONN_DOES_NOT_EXIST, `Input ${id} not found`);
    if (!state.deleting) deleteRow(ctx, { app: app!, seq: state.seq });
  });
  ctx.afterWrite();
  return reply("base", Code.SUCCESS, ctx.reqId);
};

export const deleteInputs: Handler = (ctx) => {
  // No query parameters besides user_app_id; anything else is refused.
  QueryParams.read(ctx.query, []);
  const request = readMessage(ctx.body ?? {}, DeleteInputsRequestSpec, "request") ?? {};
  const ids = readStringList(request.ids, "ids");
  ctx.noteBatch(ids.length);
  checkBatchSize(ids.length, "ids");
  ctx.store.transaction(() => {
    const app = ctx.store.appKey(ctx.app, false);
    const unique = [...new Set(ids)];
    const states = unique.map((id) => ({
      id,
      state: app === undefined ? undefined : ctx.store.inputState(app, id),
    }));
    const missing = states.filter((s) => !s.state).map((s) => s.id);
    if (missing.length > 0) {
      const shown = missing.slice(0, 10).join(", ");
      throw new RequestError(
        Code.CONN_DOES_NOT_EXIST,
        `Inputs not found: ${shown}${missing.length > 10 ? ` and ${missing.length - 10} more` : ""}`,
      );
    }
    for (const { state } of states) {
      if (state && !state.deleting) deleteRow(ctx, { app: app!, seq: state.seq });
    }
  });
  ctx.afterWrite();
  return reply("base", Code.SUCCESS, ctx.reqId);
};
