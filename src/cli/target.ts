import { UserError } from "../errors.js";

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

export const DEFAULT_API_BASE = "https://api.clarifai.com";
export const DEFAULT_LOCAL_DIR = ".dataset/local";
/** The API's documented default rate limit per app (requests per second). */
export const DEFAULT_REMOTE_MAX_RPS = 15;

export type Target =
  | {
      kind: "remote";
      apiBase: string;
      pat: string;
      userId: string;
      appId: string;
      maxRps: number | undefined;
    }
  | {
      kind: "local";
      dir: string;
      userId: string;
      appId: string;
      maxRps: number | undefined;
      /** Why the local app was chosen, for the one-line notice. */
      reason: "flag" | "no-credentials";
    };

/**
 * Decides which app a command talks to. Flags override env vars, env vars override the manifest's
 * `app:`. With no API base and no token anywhere, the embedded local app is used. Pure.
 */
export function selectTarget(options: {
  flags: TargetFlags;
  env: Record<string, string | undefined>;
  manifestApp?: { user_id?: string; app_id?: string } | undefined;
  manifestName: string;
}): Target {
  const { flags, env, manifestApp, manifestName } = options;
  // Values pasted from a secrets store often carry a trailing newline.
  const nonEmpty = (v: string | undefined) => {
    const trimmed = v?.trim();
    return trimmed === undefined || trimmed === "" ? undefined : trimmed;
  };
  const apiBase = nonEmpty(flags.apiBase) ?? nonEmpty(env.CLARIFAI_API_BASE);
  const pat = nonEmpty(flags.pat) ?? nonEmpty(env.CLARIFAI_PAT);
  const userId = nonEmpty(flags.userId) ?? nonEmpty(env.CLARIFAI_USER_ID) ?? manifestApp?.user_id;
  const appId = nonEmpty(flags.appId) ?? nonEmpty(env.CLARIFAI_APP_ID) ?? manifestApp?.app_id;
  if (flags.maxRps !== undefined && !(flags.maxRps > 0)) {
    throw new UserError("bad-flag", `--max-rps must be a positive number, got ${flags.maxRps}`);
  }

  if (flags.local !== undefined && flags.local !== false) {
    if (flags.apiBase !== undefined || flags.pat !== undefined) {
      throw new UserError("bad-flag", "--local cannot be combined with --api-base or --pat", {
        hint: "use --local for the embedded local app, or --api-base/--pat for a real one",
      });
    }
    return {
      kind: "local",
      dir: typeof flags.local === "string" ? flags.local : DEFAULT_LOCAL_DIR,
      userId: userId ?? "local",
      appId: appId ?? manifestName,
      maxRps: flags.maxRps,
      reason: "flag",
    };
  }

  if (apiBase === undefined && pat === undefined) {
    return {
      kind: "local",
      dir: DEFAULT_LOCAL_DIR,
      userId: userId ?? "local",
      appId: appId ?? manifestName,
      maxRps: flags.maxRps,
      reason: "no-credentials",
    };
  }

  if (pat === undefined) {
    throw new UserError("no-credentials", `no personal access token for ${apiBase}`, {
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
  return {
    kind: "remote",
    apiBase: base.href.replace(/\/+$/, ""),
    pat,
    userId,
    appId,
    maxRps: flags.maxRps ?? DEFAULT_REMOTE_MAX_RPS,
  };
}
