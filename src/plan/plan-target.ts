import type { PlanTarget, PlanTargetSource, TargetSource } from "./types.js";

/**
 * A plan's `target.api_base` for the embedded local app is `local:<folder>` (the folder as given,
 * relative to the working directory the plan was made in). Saved plans hold that string; this module
 * is the one place that writes and reads it, so the rest of the code works with {@link TargetLocation}.
 */
const LOCAL_PREFIX = "local:";

/** Where a plan's app lives: a real API root, or the embedded local app's folder. */
export type TargetLocation = { kind: "remote"; apiBase: string } | { kind: "local"; dir: string };

/** The `target.api_base` recorded for a location. */
export function apiBaseOf(location: TargetLocation): string {
  return location.kind === "local" ? `${LOCAL_PREFIX}${location.dir}` : location.apiBase;
}

/** The location a plan's target names (the inverse of {@link apiBaseOf}). */
export function locationOf(target: PlanTarget): TargetLocation {
  return target.api_base.startsWith(LOCAL_PREFIX)
    ? { kind: "local", dir: target.api_base.slice(LOCAL_PREFIX.length) }
    : { kind: "remote", apiBase: target.api_base };
}

/**
 * The app a plan is for, in one line: `users/U/apps/A on <where> (<where each came from>)`, e.g.
 * `users/acme/apps/shop on https://api.clarifai.com (default API base; user and app from the
 * manifest's app:)`. Used by every plan format, the confirmation prompt and apply's result. Pure.
 */
export function describeTarget(target: PlanTarget): string {
  const location = locationOf(target);
  const where =
    location.kind === "local" ? `the embedded local app in ${location.dir}` : location.apiBase;
  const app = `users/${target.user_id}/apps/${target.app_id}`;
  const source = target.source;
  if (source === undefined) return `${app} on ${where}`;
  return `${app} on ${where} (${[apiBasePhrase(source, location.kind), ...idsPhrases(source)].join("; ")})`;
}

function apiBasePhrase(source: PlanTargetSource, kind: TargetLocation["kind"]): string {
  if (kind === "local") {
    return source.api_base === "flag" ? "chosen by --local" : "no CLARIFAI_PAT or --api-base given";
  }
  switch (source.api_base) {
    case "flag":
      return "API base from --api-base";
    case "env":
      return "API base from CLARIFAI_API_BASE";
    default:
      return "default API base";
  }
}

const ORIGIN: Record<TargetSource, { user: string; app: string; both: string }> = {
  flag: { user: "--user-id", app: "--app-id", both: "--user-id and --app-id" },
  env: {
    user: "CLARIFAI_USER_ID",
    app: "CLARIFAI_APP_ID",
    both: "CLARIFAI_USER_ID and CLARIFAI_APP_ID",
  },
  manifest: {
    user: "the manifest's app:",
    app: "the manifest's app:",
    both: "the manifest's app:",
  },
  default: {
    user: "the default (local)",
    app: "the manifest's name",
    both: "the defaults (user local, app named after the manifest)",
  },
};

function idsPhrases(source: PlanTargetSource): string[] {
  if (source.user_id === source.app_id) {
    return [`user and app from ${ORIGIN[source.user_id].both}`];
  }
  return [`user from ${ORIGIN[source.user_id].user}`, `app from ${ORIGIN[source.app_id].app}`];
}
