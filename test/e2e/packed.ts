/**
 * The package as a team installs it: `npm pack` of this repository, and a fresh project that
 * installs the tarball offline, from the npm cache that `npm ci` filled (no registry access).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliResult, runProcess } from "../helpers/cli.js";

/** The repository root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * npm settings for the temp project: only the local cache (`offline`), and a dead loopback proxy
 * so that anything that still tried the network would fail instead of reaching it. Install
 * scripts are skipped: better-sqlite3's would download or compile its native module (newer npm
 * skips it anyway unless the project approves it), so it ends up installed but not built.
 */
export const OFFLINE_NPM: Record<string, string> = {
  npm_config_offline: "true",
  npm_config_proxy: "http://127.0.0.1:9",
  npm_config_https_proxy: "http://127.0.0.1:9",
  npm_config_ignore_scripts: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

/** Runs `command args…` in `cwd` and collects its output. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return runProcess(command, args, { cwd: options.cwd, env: options.env ?? process.env });
}

/** What `npm pack` made. */
export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  integrity: string;
  /** The paths inside the package, e.g. `dist/src/cli/bin.js`. */
  files: string[];
}

/**
 * `npm pack` of the repository into `dest`, from the `dist/` the test run built (`npm test`
 * builds first): `--ignore-scripts` because `prepare` would rebuild `dist/` under the other e2e
 * tests that are running it.
 */
export async function packRepository(dest: string): Promise<Packed> {
  const r = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dest], {
    cwd: REPO,
    env: { ...process.env, ...OFFLINE_NPM },
  });
  if (r.code !== 0) throw new Error(`npm pack failed (${r.code}):\n${r.stderr}`);
  const [report] = JSON.parse(r.stdout) as {
    filename: string;
    integrity: string;
    files: { path: string }[];
  }[];
  if (report === undefined) throw new Error(`npm pack printed no report:\n${r.stdout}`);
  return {
    tarball: join(dest, report.filename),
    integrity: report.integrity,
    files: report.files.map((f) => f.path),
  };
}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/**
 * Makes `dir` a team's repository that has added the package as a devDependency from a tarball
 * kept in `vendor/`: package.json and the package-lock.json `npm install --save-dev` would have
 * written. The lock file is derived from this repository's (the same versions of the package's
 * dependencies) because npm resolves a new dependency from full registry metadata, which `npm ci`
 * never downloads; installing from a lock file needs only what `npm ci` put in the cache.
 */
export function writeTeamProject(dir: string, packed: Packed): void {
  const own = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  const ownLock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  mkdirSync(join(dir, "vendor"), { recursive: true });
  const spec = `file:vendor/${basename(packed.tarball)}`;
  copyFileSync(packed.tarball, join(dir, "vendor", basename(packed.tarball)));
  const manifest = {
    name: "team-datasets",
    version: "1.0.0",
    private: true,
    devDependencies: { [own.name]: spec },
  };
  const packages: Record<string, LockEntry> = {
    "": {
      name: manifest.name,
      version: manifest.version,
      devDependencies: manifest.devDependencies,
    },
    [`node_modules/${own.name}`]: {
      version: own.version,
      resolved: spec,
      integrity: packed.integrity,
      dev: true,
      license: own.license,
      dependencies: own.dependencies,
      optionalDependencies: own.optionalDependencies,
      bin: own.bin,
      engines: own.engines,
    },
  };
  // The package's runtime dependencies (optional ones included) as they sit in our own tree.
  for (const path of runtimeClosure(ownLock.packages)) {
    packages[path] = { ...ownLock.packages[path], dev: true };
  }
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const lock = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages,
  };
  writeFileSync(join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
}

/**
 * The lock entries that our `dependencies` and `optionalDependencies` need, found as Node finds
 * them: in the requiring package's own `node_modules`, then in each folder above it.
 */
function runtimeClosure(packages: Record<string, LockEntry>): Set<string> {
  const found = new Set<string>();
  const wanted = (entry: LockEntry | undefined) =>
    Object.keys({
      ...(entry?.dependencies as object | undefined),
      ...(entry?.optionalDependencies as object | undefined),
    });
  const queue: { from: string; name: string }[] = wanted(packages[""]).map((name) => ({
    from: "",
    name,
  }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    let from = next.from;
    for (;;) {
      const path = `${from === "" ? "" : `${from}/`}node_modules/${next.name}`;
      if (packages[path] !== undefined) {
        if (!found.has(path)) {
          found.add(path);
          for (const name of wanted(packages[path])) queue.push({ from: path, name });
        }
        break;
      }
      if (from === "") throw new Error(`the lock file has no ${next.name} for ${next.from}`);
      const parent = from.lastIndexOf("/node_modules/");
      from = parent === -1 ? "" : from.slice(0, parent);
    }
  }
  return found;
}
