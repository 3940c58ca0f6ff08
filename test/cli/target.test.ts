import { describe, expect, it } from "vitest";
import { selectTarget } from "../../src/cli/target.js";

const base = { manifestName: "catalog", manifestApp: undefined };

describe("selectTarget", () => {
  it("uses the embedded local app when no API base and no token are given", () => {
    const t = selectTarget({ ...base, flags: {}, env: {} });
    expect(t).toEqual({
      kind: "local",
      dir: ".dataset/local",
      userId: "local",
      appId: "catalog",
      maxRps: undefined,
      reason: "no-credentials",
    });
  });

  it("--local DIR picks the local app in that directory", () => {
    const t = selectTarget({
      ...base,
      flags: { local: "tmp/app" },
      env: { CLARIFAI_USER_ID: "u" },
    });
    expect(t).toMatchObject({ kind: "local", dir: "tmp/app", userId: "u", reason: "flag" });
  });

  it("flags override env vars, which override the manifest's app", () => {
    const t = selectTarget({
      manifestName: "catalog",
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
    });
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
