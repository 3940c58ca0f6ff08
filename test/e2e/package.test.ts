/**
 * The package as a team uses it (issue 13): `npm pack` publishes the CLI, the library and the
 * schema only; the tarball installs into a fresh project offline (npm ci from a lock file, the
 * npm cache that our own `npm ci` filled, a dead proxy for anything else); there `npx --no
 * dataset` validates and plans against `dataset emulator` (its own process, from this
 * repository's build), and the GitHub Actions recipes' steps run as written (their `npm ci` is the
 * install). Without
 * better-sqlite3 (an optional dependency) the emulator and the embedded local app say in one line
 * what is missing.
 *
 * Run time: about 30 s of CPU (pack ~3 s, the offline `npm ci` ~6 s, then ~1–2 s per CLI run);
 * more wall time on a loaded machine.
 */
import { readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnv } from "../helpers/cli.js";
import { STACK_FRAME, targetEnv, useEmulatorProcess } from "./helpers.js";
import { OFFLINE_NPM, type Packed, packRepository, REPO, run, writeTeamProject } from "./packed.js";
import { loadWorkflow, runWorkflow, stepsOf, workflowEnv } from "./workflows.js";

const USER = "e2e-user";
const PAT = "e2e-package-token";

const { dirs, emulator } = useEmulatorProcess({ prefix: "package", pat: PAT, userId: USER });

let packed: Packed;
/** The team's repository: the catalog fixture, package.json, package-lock.json, vendor/*.tgz. */
let project: string;

/** Runs `script` with bash in `cwd`, npm offline, no inherited Clarifai settings. */
function sh(cwd: string, script: string, env: Record<string, string> = {}) {
  return run("bash", ["-e", "-c", script], { cwd, env: cleanEnv({ ...OFFLINE_NPM, ...env }) });
}

beforeAll(async () => {
  packed = await packRepository(dirs.make());
  project = dirs.catalog();
  writeTeamProject(project, packed);
  // The recipes' own install step (all three have the same `run: npm ci`).
  const install = stepsOf(loadWorkflow("dataset-plan.yml"), "plan").find((s) =>
    s.run?.startsWith("npm "),
  );
  expect(install?.run).toBe("npm ci");
  const installed = await sh(project, install?.run ?? "");
  expect(
    installed.code,
    `${installed.stderr}\n(this test installs from the npm cache that \`npm ci\` fills: run \`npm ci\` first)`,
  ).toBe(0);
}, 120_000);

describe("the published package", () => {
  it("holds the CLI, the library and the schema, not the benchmarks, tests or sources", () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "dist/src/cli/bin.js",
        "dist/src/index.js",
        "dist/src/index.d.ts",
        "dist/src/emulator/sqlite.js",
        "schema/dataset.schema.json",
      ]),
    );
    const outside = packed.files.filter(
      (f) => !/^(dist\/src\/|schema\/)/.test(f) && !["package.json", "README.md"].includes(f),
    );
    expect(outside).toEqual([]);
    expect(packed.files.filter((f) => /^(dist\/)?(bench|test)\//.test(f))).toEqual([]);
  });

  it("its README runs the CLI only in ways that can never fetch another package", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? "");
    const calls = blocks.flatMap((block) => block.match(/\b(npx|npm exec)\b[^\n#]*/g) ?? []);
    expect(calls.length).toBeGreaterThan(3);
    for (const call of calls) expect(call, call).toMatch(/^(npx --no|npm exec --no) /);
  });

  it("is named clarifai-dataset, with the commands dataset and clarifai-dataset", () => {
    const installed = JSON.parse(
      readFileSync(join(project, "node_modules", "clarifai-dataset", "package.json"), "utf8"),
    );
    expect(installed.name).toBe("clarifai-dataset");
    expect(Object.keys(installed.bin).sort()).toEqual(["clarifai-dataset", "dataset"]);
    expect(installed.optionalDependencies).toHaveProperty("better-sqlite3");
    expect(installed.dependencies).not.toHaveProperty("better-sqlite3");
  });
});

describe("installed into a team's repository, offline", () => {
  it("npx --no dataset (and clarifai-dataset) validates the manifest", async () => {
    const r = await sh(project, "npx --no dataset validate dataset.yaml");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid: 6 inputs/m);
    const again = await sh(project, "npm exec --no -- clarifai-dataset validate dataset.yaml");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(r.stdout);
  });

  it("plans against dataset emulator, run as its own process", async () => {
    const r = await sh(
      project,
      "npx --no dataset plan dataset.yaml",
      targetEnv(emulator(), USER, "installed"),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Plan: 6 to create, 0 to update, 0 to replace, 0 to delete\./m);
    expect(r.stderr).not.toMatch(/embedded local app/);
  });

  it("the library loads without better-sqlite3's native module", async () => {
    const r = await sh(
      project,
      `node --input-type=module -e 'const m = await import("clarifai-dataset"); console.log(typeof m.planLiveApp, typeof m.loadManifest)'`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("function function");
  });

  it("npx --no never runs a package that is not installed", async () => {
    const empty = dirs.make();
    // `--yes` after the command is the CLI's, not npx's: it must not turn the download back on.
    for (const call of [
      "npx --no dataset validate dataset.yaml",
      "npx --no dataset apply x.yaml --yes",
    ]) {
      const r = await sh(empty, call);
      expect(r.code, call).not.toBe(0);
      expect(r.stdout).toBe("");
      // With no local bin, npm looks the name up in its cache (it is offline here): the
      // unrelated registry package `dataset` has no bin, or is not cached. Either way, nothing runs.
      expect(r.stderr).toMatch(/could not determine executable to run|code ENOTCACHED/);
    }
  });
});

describe("without better-sqlite3 (an optional dependency)", () => {
  /**
   * `dataset emulator` and the embedded local app (no credentials) in `cwd`, run through the
   * installed bin link (what npx resolves to, without npm's start-up time).
   */
  async function bothUsers(cwd: string) {
    const bin = "node_modules/.bin/dataset";
    const emulatorRun = await sh(cwd, `${bin} emulator --port 0 --db :memory:`);
    const localRun = await sh(cwd, `${bin} plan dataset.yaml`);
    return [emulatorRun, localRun];
  }

  it("installed but not built (npm skipped its install script): one line says how to build it", async () => {
    const [emulatorRun, localRun] = await bothUsers(project);
    for (const [r, what] of [
      [emulatorRun, "dataset emulator"],
      [localRun, "the embedded local app"],
    ] as const) {
      expect(r?.code).toBe(1);
      expect(r?.stderr).toBe(
        `error: ${what} needs better-sqlite3, which is installed but not built (npm skipped its install script); build it with: npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3\n`,
      );
      expect(r?.stderr).not.toMatch(STACK_FRAME);
    }
  });

  it("not installed: one line says how to add it", async () => {
    // Moved aside for this test only (a rename, much cheaper than a second install).
    const installed = join(project, "node_modules", "better-sqlite3");
    const aside = join(project, "better-sqlite3.aside");
    renameSync(installed, aside);
    try {
      const [emulatorRun, localRun] = await bothUsers(project);
      for (const [r, what] of [
        [emulatorRun, "dataset emulator"],
        [localRun, "the embedded local app"],
      ] as const) {
        expect(r?.code).toBe(1);
        expect(r?.stderr).toBe(
          `error: ${what} needs better-sqlite3, an optional dependency of clarifai-dataset that is not installed; add it with: npm install --save-dev better-sqlite3\n`,
        );
      }
    } finally {
      renameSync(aside, installed);
    }
  });
});

describe("the GitHub Actions recipes in the team's repository", () => {
  it("plan, apply, then drift find the app in sync (their npm ci ran in beforeAll)", async () => {
    const appId = "recipes";
    const steps = async (file: string, job: string) => {
      const workflow = loadWorkflow(file);
      const env = workflowEnv(workflow, {
        apiBase: emulator().url,
        pat: PAT,
        userId: USER,
        appId,
        cwd: project,
      });
      return runWorkflow(workflow, {
        cwd: project,
        env: { ...OFFLINE_NPM, ...env },
        cli: "installed",
        job,
      });
    };
    const planned = await steps("dataset-plan.yml", "plan");
    expect(planned.code, planned.stderr).toBe(0);
    expect(readFileSync(join(project, "plan.md"), "utf8")).toMatch(
      /^<!-- dataset-plan: catalog -->/,
    );
    const applied = await steps("dataset-apply.yml", "apply");
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/^Apply complete: 6 created\b/m);
    const drift = await steps("dataset-drift.yml", "drift");
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.stdout).toMatch(/^No changes\./m);
  });
});
