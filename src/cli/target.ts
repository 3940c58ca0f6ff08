import { join, normalize } from "node:path";
import { UserError } from "../errors.js";
import { apiBaseOf, locationOf } from "../plan/plan-target.js";
import type { PlanTarget, PlanTargetSource, TargetSource } from "../plan/types.js";

/** The flags every command that talks to an app accepts (contract §2). */
export interface TargetFlags {
  apiBase?: string;
  pat?: string;
  userId?: string;
  appId?: string;
  /** `--local` alone is `true`; `--local DIR` is the directory. */
  local?: string | boolean;
  maxRps?: number;
}

const DEFAULT_API_BASE = "https://api.clarifai.com";
/** The embedded local app's folder, beside the root manifest. */
const DEFAULT_LOCAL_DIR = ".dataset/local";
/** The API's documented default rate limit per app (requests per second). */
const DEFAULT_REMOTE_MAX_RPS = 15;

interface TargetApp {
  userId: string;
  appId: string;
  maxRps: number | undefined;
  /** Where each value came from (for the local app, `api_base` says whether `--local` chose it). */
  source: PlanTargetSource;
}

/** The app a command talks to: a real API, or the embedded local app stored in `dir`. */
export type Target =
  | (TargetApp & { kind: "remote"; apiBase: string; pat: string })
  | (TargetApp & {
      kind: "local";
      /** The store's folder, relative to the working directory (or absolute). */
      dir: string;
    });

type ManifestApp = { user_id?: string; app_id?: string } | undefined;

/**
 * Decides which app a command talks to. Flags override env vars, env vars override the manifest's
 * `app:`. With no API base and no token anywhere, the embedded local app is used, stored in
 * `.dataset/local` beside the root manifest (`manifestDir`, as the manifest's path was given). Pure.
 */
export function selectTarget(options: {
  flags: TargetFlags;
  env: Record<string, string | undefined>;
  manifestApp?: ManifestApp;
  manifestName: string;
  /** The root manifest's folder, relative to the working directory (or absolute). */
  manifestDir: string;
}): Target {
  const { flags, env, manifestApp, manifestName } = options;
  const apiBase = pick(flags.apiBase, env.CLARIFAI_API_BASE, undefined);
  const pat = pick(flags.pat, env.CLARIFAI_PAT, undefined);
  const userId = pick(flags.userId, env.CLARIFAI_USER_ID, manifestApp?.user_id);
  const appId = pick(flags.appId, env.CLARIFAI_APP_ID, manifestApp?.app_id);
  if (flags.maxRps !== undefined && !(flags.maxRps > 0)) {
    throw new UserError("bad-flag", `--max-rps must be a positive number, got ${flags.maxRps}`);
  }

  const chosenByFlag = flags.local !== undefined && flags.local !== false;
  if (chosenByFlag && (flags.apiBase !== undefined || flags.pat !== undefined)) {
    throw new UserError("bad-flag", "--local cannot be combined with --api-base or --pat", {
      hint: "use --local for the embedded local app, or --api-base/--pat for a real one",
    });
  }
  if (chosenByFlag || (apiBase === undefined && pat === undefined)) {
    return {
      kind: "local",
      dir:
        typeof flags.local === "string"
          ? normalize(flags.local)
          : join(options.manifestDir, DEFAULT_LOCAL_DIR),
      userId: userId?.value ?? "local",
      appId: appId?.value ?? manifestName,
      maxRps: flags.maxRps,
      source: {
        api_base: chosenByFlag ? "flag" : "default",
        user_id: userId?.source ?? "default",
        app_id: appId?.source ?? "default",
      },
    };
  }

  if (pat === undefined) {
    throw new UserError("no-credentials", `no personal access token for ${apiBase?.value}`, {
      hint: "set CLARIFAI_PAT (or pass --pat); create one under Settings → Secrets in the Clarifai portal",
    });
  }
  if (userId === undefined || appId === undefined) {
    const missing = [userId === undefined ? "user id" : "", appId === undefined ? "app id" : ""]
      .filter(Boolean)
      .join(" and ");
    throw new UserError("no-app", `no target app: missing the ${missing}`, {
      hint: "pass --user-id and --app-id, set CLARIFAI_USER_ID and CLARIFAI_APP_ID, or add `app: {user_id, app_id}` to the manifest",
    });
  }
  return {
    kind: "remote",
    apiBase: parseApiBase(apiBase?.value),
    pat: pat.value,
    userId: userId.value,
    appId: appId.value,
    maxRps: flags.maxRps ?? DEFAULT_REMOTE_MAX_RPS,
    source: {
      api_base: apiBase?.source ?? "default",
      user_id: userId.source,
      app_id: appId.source,
    },
  };
}

/** The first value given, flag before env var before manifest, with where it came from. */
function pick(
  flag: string | undefined,
  env: string | undefined,
  manifest: string | undefined,
): { value: string; source: TargetSource } | undefined {
  // Values pasted from a secrets store often carry a trailing newline.
  const nonEmpty = (v: string | undefined) => {
    const trimmed = v?.trim();
    return trimmed === undefined || trimmed === "" ? undefined : trimmed;
  };
  const fromFlag = nonEmpty(flag);
  if (fromFlag !== undefined) return { value: fromFlag, source: "flag" };
  const fromEnv = nonEmpty(env);
  if (fromEnv !== undefined) return { value: fromEnv, source: "env" };
  return manifest === undefined ? undefined : { value: manifest, source: "manifest" };
}

function parseApiBase(apiBase: string | undefined): string {
  let base: URL;
  try {
    base = new URL(apiBase ?? DEFAULT_API_BASE);
  } catch {
    throw new UserError("bad-flag", `the API base is not a URL: ${apiBase}`, {
      hint: "pass it like --api-base https://api.clarifai.com",
    });
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new UserError("bad-flag", `the API base must be http(s): ${apiBase}`);
  }
  return base.href.replace(/\/+$/, "");
}

/** What a plan records as its target (never the token). */
export function planTargetOf(target: Target): PlanTarget {
  const location =
    target.kind === "local"
      ? ({ kind: "local", dir: target.dir } as const)
      : ({ kind: "remote", apiBase: target.apiBase } as const);
  return {
    api_base: apiBaseOf(location),
    user_id: target.userId,
    app_id: target.appId,
    ...(target.kind === "local" ? { local: true } : {}),
    source: target.source,
  };
}

/**
 * The one-line warning when a flag or env var points the command at another app than the
 * manifest's `app:` says, or undefined. Pure.
 */
export function appOverrideWarning(target: Target, manifestApp: ManifestApp): string | undefined {
  if (manifestApp === undefined) return undefined;
  const overriding: string[] = [];
  const check = (field: "user_id" | "app_id", value: string, flag: string, envVar: string) => {
    const declared = manifestApp[field];
    const source = target.source[field];
    if (declared === undefined || declared === value) return;
    if (source === "flag") overriding.push(flag);
    if (source === "env") overriding.push(envVar);
  };
  check("user_id", target.userId, "--user-id", "CLARIFAI_USER_ID");
  check("app_id", target.appId, "--app-id", "CLARIFAI_APP_ID");
  if (overriding.length === 0) return undefined;
  const declared = `users/${manifestApp.user_id ?? "?"}/apps/${manifestApp.app_id ?? "?"}`;
  const verb = overriding.length === 1 ? "overrides" : "override";
  return `Warning: ${overriding.join(" and ")} ${verb} the manifest's app: ${declared}; using users/${target.userId}/apps/${target.appId}.`;
}

/**
 * The target of a saved plan: the app it was made for. Flags and env vars may supply the token
 * (plans never hold one) but must not point it at another app. Pure.
 */
export function selectSavedPlanTarget(options: {
  planned: PlanTarget;
  manifestName: string;
  flags: TargetFlags;
  env: Record<string, string | undefined>;
}): Target {
  const { planned, flags } = options;
  const location = locationOf(planned);
  const noTargetFlags =
    flags.local === undefined && flags.apiBase === undefined && flags.pat === undefined;
  const target = selectTarget({
    flags: location.kind === "local" && noTargetFlags ? { ...flags, local: location.dir } : flags,
    env:
      location.kind === "local"
        ? {}
        : {
            ...options.env,
            CLARIFAI_API_BASE: options.env.CLARIFAI_API_BASE ?? location.apiBase,
          },
    manifestApp: { user_id: planned.user_id, app_id: planned.app_id },
    manifestName: options.manifestName,
    manifestDir: ".",
  });
  const sameLocation =
    location.kind === "local"
      ? target.kind === "local" && normalize(target.dir) === normalize(location.dir)
      : target.kind === "remote" && target.apiBase === location.apiBase;
  if (!sameLocation || target.userId !== planned.user_id || target.appId !== planned.app_id) {
    const actual = planTargetOf(target);
    throw new UserError(
      "wrong-target",
      `the plan was made for ${planned.api_base} ${planned.user_id}/${planned.app_id}, not ${actual.api_base} ${actual.user_id}/${actual.app_id}; nothing was changed`,
      { hint: "apply it to the app it was made for, or make a new plan for this one" },
    );
  }
  return target;
}
