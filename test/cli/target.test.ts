import { describe, expect, it } from "vitest";
import {
  appOverrideWarning,
  planTargetOf,
  selectSavedPlanTarget,
  selectTarget,
} from "../../src/cli/target.js";
import { describeTarget } from "../../src/plan/plan-target.js";

const base = { manifestName: "catalog", manifestApp: undefined, manifestDir: "." };

describe("selectTarget", () => {
  it("uses the embedded local app beside the root manifest when no API base and no token are given", () => {
    const t = selectTarget({ ...base, manifestDir: "data/photos", flags: {}, env: {} });
    expect(t).toEqual({
      kind: "local",
      dir: "data/photos/.dataset/local",
      userId: "local",
      appId: "catalog",
      maxRps: undefined,
      source: { api_base: "default", user_id: "default", app_id: "default" },
    });
    expect(describeTarget(planTargetOf(t))).toBe(
      "users/local/apps/catalog on the embedded local app in data/photos/.dataset/local (no CLARIFAI_PAT or --api-base given; user and app from the defaults (user local, app named after the manifest))",
    );
  });

  it("--local DIR picks the local app in that directory (relative to the working directory)", () => {
    const t = selectTarget({
      ...base,
      manifestDir: "elsewhere",
      flags: { local: "tmp/app/" },
      env: { CLARIFAI_USER_ID: "u" },
    });
    expect(t).toMatchObject({ kind: "local", dir: "tmp/app/", userId: "u" });
    expect(t.source).toEqual({ api_base: "flag", user_id: "env", app_id: "default" });
    expect(planTargetOf(t)).toMatchObject({ api_base: "local:tmp/app/", local: true });
  });

  it("flags override env vars, which override the manifest's app, and each says where it came from", () => {
    const t = selectTarget({
      ...base,
      manifestApp: { user_id: "m-user", app_id: "m-app" },
      flags: { appId: "flag-app" },
      env: { CLARIFAI_PAT: "secret", CLARIFAI_USER_ID: "env-user", CLARIFAI_APP_ID: "env-app" },
    });
    expect(t).toEqual({
      kind: "remote",
      apiBase: "https://api.clarifai.com",
      pat: "secret",
      userId: "env-user",
      appId: "flag-app",
      maxRps: 15,
      source: { api_base: "default", user_id: "env", app_id: "flag" },
    });
    const planned = planTargetOf(t);
    expect(JSON.stringify(planned)).not.toContain("secret");
    expect(describeTarget(planned)).toBe(
      "users/env-user/apps/flag-app on https://api.clarifai.com (default API base; user from CLARIFAI_USER_ID; app from --app-id)",
    );
  });

  it("the manifest's app with an API base from the environment", () => {
    const t = selectTarget({
      ...base,
      manifestApp: { user_id: "acme", app_id: "shop" },
      flags: {},
      env: { CLARIFAI_PAT: "p", CLARIFAI_API_BASE: "http://127.0.0.1:8080/" },
    });
    expect(describeTarget(planTargetOf(t))).toBe(
      "users/acme/apps/shop on http://127.0.0.1:8080 (API base from CLARIFAI_API_BASE; user and app from the manifest's app:)",
    );
  });

  it("caps a real target at 15 requests/s unless --max-rps says otherwise", () => {
    const env = { CLARIFAI_PAT: "p", CLARIFAI_USER_ID: "u", CLARIFAI_APP_ID: "a" };
    expect(selectTarget({ ...base, flags: {}, env }).maxRps).toBe(15);
    expect(selectTarget({ ...base, flags: { maxRps: 40 }, env }).maxRps).toBe(40);
  });

  it("an API base without a token is an error that says what to set", () => {
    expect(() =>
      selectTarget({ ...base, flags: { apiBase: "http://127.0.0.1:9" }, env: {} }),
    ).toThrow(/no personal access token for http:\/\/127\.0\.0\.1:9/);
  });

  it("a token without an app is an error naming what is missing", () => {
    expect(() => selectTarget({ ...base, flags: { pat: "p", userId: "u" }, env: {} })).toThrow(
      "no target app: missing the app id",
    );
  });

  it("keeps a path prefix of the API base and drops a trailing slash", () => {
    const t = selectTarget({
      ...base,
      flags: { apiBase: "http://proxy.local/clarifai/", pat: "p", userId: "u", appId: "a" },
      env: {},
    });
    expect(t).toMatchObject({ kind: "remote", apiBase: "http://proxy.local/clarifai" });
  });

  it("rejects a non-http API base", () => {
    expect(() =>
      selectTarget({
        ...base,
        flags: { apiBase: "ftp://x", pat: "p", userId: "u", appId: "a" },
        env: {},
      }),
    ).toThrow("the API base must be http(s)");
  });
});

describe("appOverrideWarning", () => {
  const manifestApp = { user_id: "acme", app_id: "shop" };
  const remote = (flags: object, env: object) =>
    selectTarget({ ...base, manifestApp, flags: { pat: "p", ...flags }, env: { ...env } });

  it("names the flag or env var that points away from the manifest's app", () => {
    expect(appOverrideWarning(remote({ appId: "staging" }, {}), manifestApp)).toBe(
      "Warning: --app-id overrides the manifest's app: users/acme/apps/shop; using users/acme/apps/staging.",
    );
    expect(
      appOverrideWarning(
        remote({}, { CLARIFAI_USER_ID: "bob", CLARIFAI_APP_ID: "other" }),
        manifestApp,
      ),
    ).toBe(
      "Warning: CLARIFAI_USER_ID and CLARIFAI_APP_ID override the manifest's app: users/acme/apps/shop; using users/bob/apps/other.",
    );
  });

  it("says nothing when the values agree with the manifest, or the manifest names no app", () => {
    expect(appOverrideWarning(remote({ appId: "shop" }, {}), manifestApp)).toBeUndefined();
    expect(appOverrideWarning(remote({}, {}), manifestApp)).toBeUndefined();
    const noApp = selectTarget({ ...base, flags: { pat: "p", userId: "u", appId: "a" }, env: {} });
    expect(appOverrideWarning(noApp, undefined)).toBeUndefined();
  });
});

describe("selectSavedPlanTarget", () => {
  const remotePlan = { api_base: "http://127.0.0.1:9", user_id: "u", app_id: "a" };

  it("takes the app from the plan and the token from the environment", () => {
    const t = selectSavedPlanTarget({
      planned: remotePlan,
      manifestName: "catalog",
      flags: {},
      env: { CLARIFAI_PAT: "p" },
    });
    expect(t).toMatchObject({ kind: "remote", apiBase: "http://127.0.0.1:9", userId: "u" });
  });

  it("reopens the embedded local app a plan recorded, by its folder", () => {
    const planned = { api_base: "local:examples/.dataset/local", user_id: "local", app_id: "c" };
    const t = selectSavedPlanTarget({ planned, manifestName: "c", flags: {}, env: {} });
    expect(t).toMatchObject({ kind: "local", dir: "examples/.dataset/local", appId: "c" });
  });

  it("refuses to point a plan at another app", () => {
    expect(() =>
      selectSavedPlanTarget({
        planned: remotePlan,
        manifestName: "catalog",
        flags: { appId: "b" },
        env: { CLARIFAI_PAT: "p" },
      }),
    ).toThrow("the plan was made for http://127.0.0.1:9 u/a, not http://127.0.0.1:9 u/b");
  });
});
