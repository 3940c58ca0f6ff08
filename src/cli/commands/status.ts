import { dirname } from "node:path";
import { DIFFERS, FAILED, type Outcome, SUCCESS, UserError } from "../../errors.js";
import {
  renderCountsJson,
  renderCountsText,
  renderManifestStatusJson,
  renderManifestStatusText,
} from "../../status/render-status.js";
import type { ManifestStatus } from "../../status/tally.js";
import { createStatusTally, statusOutcome } from "../../status/tally.js";
import { connect } from "../connect.js";
import type { CliIO } from "../io.js";
import { loadManifestOrFail } from "../load-manifest.js";
import { selectTarget, type TargetFlags } from "../target.js";

export interface StatusCommandOptions extends TargetFlags {
  format?: string;
  detailedExitcode?: boolean;
}

function parseStatusFormat(format: string | undefined): "text" | "json" {
  const value = format ?? "text";
  if (value === "text" || value === "json") return value;
  throw new UserError("bad-flag", `unknown --format "${value}"`, {
    hint: "use one of: text, json",
  });
}

/**
 * `dataset status [manifest]`: without a manifest, the app's counts (GetInputCount); with one,
 * where its declared inputs stand, from one streaming pass over the app. Returns the exit code.
 */
export async function runStatus(
  manifestPath: string | undefined,
  options: StatusCommandOptions,
  io: CliIO,
): Promise<Outcome> {
  const format = parseStatusFormat(options.format);
  const manifest =
    manifestPath === undefined ? undefined : await loadManifestOrFail(manifestPath, io);
  const target = selectTarget({
    flags: options,
    env: io.env,
    manifestApp: manifest?.app,
    manifestName: manifest?.name ?? "",
    manifestDir: manifestPath === undefined ? "." : dirname(manifestPath),
  });
  if (target.appId === "") {
    throw new UserError("no-app", "no app to read: the embedded local app needs an app id", {
      hint: "pass --app-id (the local app of a manifest has the manifest's name as its id), or give the manifest",
    });
  }
  const connection = await connect(target, io);
  try {
    if (manifest === undefined) {
      const counts = await connection.api.getInputCount();
      io.out(
        format === "json"
          ? renderCountsJson(connection.target, counts)
          : renderCountsText(connection.target, counts),
      );
      if (counts.errors > 0) return FAILED;
      return options.detailedExitcode === true && counts.to_process + counts.processing > 0
        ? DIFFERS
        : SUCCESS;
    }
    const tally = createStatusTally({ manifestName: manifest.name, desired: manifest.inputs });
    for await (const page of connection.api.streamInputs()) {
      for (const input of page) tally.observe(input);
    }
    const status: ManifestStatus = tally.finish();
    const about = { path: manifest.path, name: manifest.name };
    io.out(
      format === "json"
        ? renderManifestStatusJson(about, connection.target, status)
        : renderManifestStatusText(about, connection.target, status),
    );
    return statusOutcome(status, options.detailedExitcode === true);
  } finally {
    await connection.close();
  }
}
