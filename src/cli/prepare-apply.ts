import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { ClientEvent } from "../api/client.js";
import { findStaleReasons } from "../apply/stale.js";
import { UserError } from "../errors.js";
import {
  liveImageHasher,
  parsePlanJson,
  planLiveApp,
  refuseConflictingPlan,
} from "../plan/index.js";
import type { Plan } from "../plan/types.js";
import { classifySource, describeFsError } from "./classify-source.js";
import { type Connection, connect } from "./connect.js";
import type { CliIO } from "./io.js";
import type { LoadingManifest } from "./manifest-loading.js";
import { connectForManifest } from "./manifest-target.js";
import { countingReads, readingProgress } from "./reading-progress.js";
import { selectSavedPlanTarget, type TargetFlags } from "./target.js";

/** A plan ready to confirm and apply, with the connection to its app. */
export interface PreparedApply {
  plan: Plan;
  connection: Connection;
  /** Inputs this manifest owns in the app (for the mass-delete guard). */
  owned: number;
  /** The directory the plan's file paths are relative to. */
  baseDir: string;
  /** The plan came from a saved plan file, which the user already reviewed. */
  saved: boolean;
}

export interface PrepareOptions {
  flags: TargetFlags & { prune?: boolean | undefined };
  concurrency: number;
  /** Aborting (a signal while reading the app) stops preparing; nothing has been written. */
  signal: AbortSignal;
  onClientEvent: (event: ClientEvent) => void;
}

export const readBytes = (path: string) => readFile(path);
/** A JavaScript string holds at most about 512 MB; plan files beyond that cannot be parsed. */
const MAX_PLAN_FILE_BYTES = 500_000_000;

/**
 * Everything apply does before it asks: reads a saved plan (checking it was made for this app and
 * is still true) or plans the manifest against the live app. Returns `undefined` when a signal
 * stopped it; throws a UserError for anything the user must fix. Writes nothing.
 */
export async function prepareApply(
  path: string,
  io: CliIO,
  options: PrepareOptions,
): Promise<PreparedApply | undefined> {
  const source = await classifySource(path, io.cwd);
  switch (source.kind) {
    case "saved-plan":
      return prepareSavedPlan(path, io, options);
    case "manifest":
    case "missing":
      return prepareLivePlan(path, io, options);
    case "directory":
      throw new UserError("not-a-manifest", `${path} is a directory, not a manifest or a plan`, {
        hint:
          source.manifest === undefined
            ? "pass the manifest file itself, or a plan saved with `dataset plan --out FILE`"
            : `the manifest inside it is ${source.manifest}: dataset apply ${source.manifest}`,
      });
    case "unreadable":
      throw new UserError("unreadable", `cannot read ${path}: ${source.reason}`);
    default: {
      const unreachable: never = source;
      return unreachable;
    }
  }
}

async function prepareLivePlan(
  path: string,
  io: CliIO,
  options: PrepareOptions,
): Promise<PreparedApply | undefined> {
  const { loading, connection } = await connectForManifest(path, options.flags, io, {
    onClientEvent: options.onClientEvent,
  });
  const manifest = loading.root;
  const progress = readingProgress(io);
  return readingTheApp(connection, options.signal, loading, async () => {
    const { plan, owned } = await planLiveApp({
      manifest,
      desired: loading.feed,
      api: countingReads(connection.api, progress),
      target: connection.target,
      prune: options.flags.prune === true,
      manifestDir: dirname(resolve(io.cwd, manifest.path)),
      signal: options.signal,
      hashLiveImage: liveImageHasher(connection.api),
    });
    refuseConflicts(plan);
    return { plan, connection, owned, baseDir: baseDirOf(plan, io), saved: false };
  }).finally(() => progress.stop());
}

/** A plan the API would refuse (a create whose URL a live input keeps) is never applied. */
function refuseConflicts(plan: Plan): void {
  const conflict = refuseConflictingPlan(plan);
  if (conflict !== undefined) {
    throw new UserError("plan-conflicts", conflict.message, { hint: conflict.hint });
  }
}

/**
 * Runs `read` (reads of the app, before anything is written). A signal meanwhile makes it
 * `undefined`; on any failure the connection is closed, since the caller never gets it.
 */
async function readingTheApp(
  connection: Connection,
  signal: AbortSignal,
  loading: LoadingManifest | undefined,
  read: () => Promise<PreparedApply>,
): Promise<PreparedApply | undefined> {
  try {
    const prepared = await read();
    if (signal.aborted) throw signal.reason;
    return prepared;
  } catch (error) {
    await connection.close();
    if (signal.aborted) return undefined;
    throw error;
  } finally {
    await loading?.stop();
  }
}

async function prepareSavedPlan(
  path: string,
  io: CliIO,
  options: PrepareOptions,
): Promise<PreparedApply | undefined> {
  if (options.flags.prune !== undefined) {
    throw new UserError("bad-flag", "--prune has no effect on a saved plan", {
      hint: "a saved plan already says what it deletes; make it with `dataset plan --prune --out FILE`",
    });
  }
  const plan = await readSavedPlan(path, io);
  refuseConflicts(plan);
  const target = selectSavedPlanTarget({
    planned: plan.target,
    manifestName: plan.manifest.name,
    flags: options.flags,
    env: io.env,
  });
  const connection = await connect(target, io, { onClientEvent: options.onClientEvent });
  const baseDir = baseDirOf(plan, io);
  return readingTheApp(connection, options.signal, undefined, async () => {
    const reasons = await findStaleReasons({
      plan,
      api: connection.api,
      baseDir,
      readFile: readBytes,
      concurrency: options.concurrency,
    });
    if (reasons.length > 0 && !options.signal.aborted) {
      const more = reasons.length > 5 ? ` (and ${reasons.length - 5} more)` : "";
      throw new UserError(
        "stale-plan",
        `the plan is stale: ${reasons.slice(0, 5).join("; ")}${more}; nothing was changed`,
        { hint: `make a new plan with \`dataset plan ${plan.manifest.path} --out ${path}\`` },
      );
    }
    return { plan, connection, owned: plan.live?.owned ?? 0, baseDir, saved: true };
  });
}

function baseDirOf(plan: Plan, io: CliIO): string {
  return dirname(resolve(io.cwd, plan.manifest.path));
}

/** Reads and checks a saved plan; a file that cannot be read says why (permission, directory). */
async function readSavedPlan(path: string, io: CliIO): Promise<Plan> {
  const absolute = resolve(io.cwd, path);
  let text: string;
  try {
    const { size } = await stat(absolute);
    if (size > MAX_PLAN_FILE_BYTES) {
      throw new UserError(
        "plan-too-large",
        `${path} is too large to read as a plan (${Math.round(size / 1e6)} MB)`,
        {
          hint: "apply the manifest itself (`dataset apply <manifest>`), or split it into smaller manifests",
        },
      );
    }
    text = await readFile(absolute, "utf8");
  } catch (error) {
    if (error instanceof UserError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new UserError("not-found", `plan file not found: ${path}`, {
        hint: "make one with `dataset plan <manifest> --out plan.json`",
      });
    }
    throw new UserError("unreadable", `cannot read the plan ${path}: ${describeFsError(error)}`);
  }
  return parsePlanJson(text, path);
}
