import { dirname, resolve } from "node:path";
import { type Outcome, SUCCESS, UserError } from "../../errors.js";
import { type ExportFormat, type ExportResult, exportApp } from "../../export/export-app.js";
import type { OwnershipFilter } from "../../export/exported-input.js";
import { connect } from "../connect.js";
import type { CliIO, StopSignal } from "../io.js";
import { selectTarget, type TargetFlags } from "../target.js";

export interface ExportCommandOptions extends TargetFlags {
  out?: string;
  format?: string;
  name?: string;
  ownedBy?: string;
  unowned?: boolean;
  all?: boolean;
  download?: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const PROGRESS_EVERY_MS = 5000;

function parseExportFormat(format: string | undefined): ExportFormat {
  const value = format ?? "yaml";
  if (value === "yaml" || value === "jsonl") return value;
  throw new UserError("bad-flag", `unknown --format "${value}"`, {
    hint: "use one of: yaml, jsonl",
  });
}

function checkName(name: string, flag: string): string {
  if (NAME.test(name)) return name;
  throw new UserError(
    "bad-flag",
    `${flag} must be a manifest name (lowercase letters, digits, _ and -, at most 63): "${name}"`,
  );
}

/** A manifest name made from an app id: lowercased, other characters as `-`. */
function nameFromAppId(appId: string): string {
  const name = appId
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 63);
  return name === "" ? "exported" : name;
}

function ownershipFilter(options: ExportCommandOptions, name: string): OwnershipFilter {
  const chosen = [
    options.ownedBy !== undefined,
    options.unowned === true,
    options.all === true,
  ].filter(Boolean);
  if (chosen.length > 1) {
    throw new UserError("bad-flag", "--owned-by, --unowned and --all exclude each other", {
      hint: "give at most one; the default exports unowned inputs and those owned by --name",
    });
  }
  if (options.ownedBy !== undefined)
    return { kind: "owned-by", name: checkName(options.ownedBy, "--owned-by") };
  if (options.unowned === true) return { kind: "unowned" };
  if (options.all === true) return { kind: "all" };
  return { kind: "claimable", name };
}

/** `dataset export`: write a manifest that declares what the app holds. Returns the exit code. */
export async function runExport(options: ExportCommandOptions, io: CliIO): Promise<Outcome> {
  const format = parseExportFormat(options.format);
  const givenName = options.name ?? options.ownedBy;
  if (options.name !== undefined) checkName(options.name, "--name");
  // The embedded local app of an exported manifest is the one beside the manifest it writes.
  const target = selectTarget({
    flags: options,
    env: io.env,
    manifestName: givenName ?? "",
    manifestDir: dirname(options.out ?? "dataset.yaml"),
  });
  if (target.appId === "") {
    throw new UserError("no-app", "no app to export: the embedded local app needs an app id", {
      hint: "pass --app-id, or --name (the local app of a manifest has the manifest's name as its id)",
    });
  }
  const name = givenName ?? nameFromAppId(target.appId);
  const filter = ownershipFilter(options, name);
  const out = resolve(io.cwd, options.out ?? "dataset.yaml");
  if (format === "yaml" && !/\.ya?ml$/i.test(out)) {
    throw new UserError(
      "bad-flag",
      `--out must name the root manifest, a .yaml file: ${options.out}`,
      {
        hint: "with --format jsonl the inputs go to a .jsonl file beside it",
      },
    );
  }

  const connection = await connect(target, io);
  const controller = new AbortController();
  let stoppedBy: StopSignal = "SIGINT";
  const stopListening = io.onInterrupt((signal) => {
    stoppedBy = signal;
    controller.abort(new Error("interrupted"));
  });
  let lastProgress = Date.now();
  let result: ExportResult;
  try {
    result = await exportApp({
      api: connection.api,
      out,
      format,
      name,
      app: { user_id: connection.target.user_id, app_id: connection.target.app_id },
      appLabel: `users/${connection.target.user_id}/apps/${connection.target.app_id} at ${connection.target.api_base}`,
      filter,
      downloadDir: options.download === undefined ? undefined : resolve(io.cwd, options.download),
      now: new Date(),
      signal: controller.signal,
      onPage: (read) => {
        if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        io.err(`Read ${read} inputs…`);
      },
    });
  } catch (error) {
    if (controller.signal.aborted) {
      io.err("Export cancelled; nothing was written.");
      return { kind: "interrupted", signal: stoppedBy };
    }
    throw error;
  } finally {
    stopListening();
    await connection.close();
  }
  for (const line of exportWarnings(result, { name, filter })) io.err(line);
  const files = result.files.map((f) => relativeForHumans(io.cwd, f));
  io.out(
    `Exported ${result.inputs} ${result.inputs === 1 ? "input" : "inputs"} of ${result.read} from users/${connection.target.user_id}/apps/${connection.target.app_id} to ${files[0]}` +
      (files.length > 1
        ? ` (and ${files.length - 1} more ${files.length === 2 ? "file" : "files"}: ${files.slice(1, 4).join(", ")}${files.length > 4 ? ", …" : ""})`
        : "") +
      (result.downloaded > 0
        ? `; ${result.downloaded} images downloaded into ${options.download}`
        : "") +
      ".",
  );
  return SUCCESS;
}

function relativeForHumans(cwd: string, path: string): string {
  const rel = path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
  return rel.replaceAll("\\", "/");
}

function ids(list: { count: number; ids: string[] }): string {
  return (
    list.ids.join(", ") +
    (list.count > list.ids.length ? `, … (${list.count - list.ids.length} more)` : "")
  );
}

/** The notices of an export, one line each, for stderr. */
function exportWarnings(
  result: ExportResult,
  context: { name: string; filter: OwnershipFilter },
): string[] {
  const lines: string[] = [];
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`;
  if (result.bytesLeftOut.count > 0) {
    lines.push(
      `warning: left out ${n(result.bytesLeftOut.count, "input")} uploaded as bytes (${ids(result.bytesLeftOut)}): they have no public URL; export with --download DIR to save them and declare them as files.`,
    );
  }
  if (result.downloadFailed.count > 0) {
    lines.push(
      `warning: left out ${n(result.downloadFailed.count, "input")} uploaded as bytes whose image could not be downloaded (${ids(result.downloadFailed)}); first failure: ${result.downloadFailed.reason}.`,
    );
  }
  if (result.unsupported.count > 0) {
    const reasons = Object.entries(result.unsupported.reasons)
      .map(([reason, count]) => `${count} ${reason.replaceAll("-", " ")}`)
      .join(", ");
    lines.push(
      `warning: left out ${n(result.unsupported.count, "input")} a manifest cannot declare (${reasons}): ${ids(result.unsupported)}.`,
    );
  }
  const filtered = [...result.filteredOut].sort((a, b) => b[1] - a[1]);
  const total = filtered.reduce((sum, [, count]) => sum + count, 0);
  if (total > 0) {
    const owners = filtered
      .slice(0, 5)
      .map(([owner, count]) => `${count} ${owner === "" ? "unowned" : `owned by ${owner}`}`)
      .join(", ");
    const why =
      context.filter.kind === "claimable"
        ? `they belong to other manifests; pass --all to declare them as ${context.name}'s too`
        : "by the ownership filter";
    lines.push(
      `Left out ${n(total, "input")} (${owners}${filtered.length > 5 ? ", …" : ""}): ${why}.`,
    );
  }
  return lines;
}
