import { dirname } from "node:path";
import type { ClientEvent } from "../api/client.js";
import type { Manifest } from "../manifest/types.js";
import { type Connection, connect } from "./connect.js";
import type { CliIO } from "./io.js";
import { loadManifestOrFail } from "./load-manifest.js";
import { appOverrideWarning, selectTarget, type TargetFlags } from "./target.js";

/**
 * The setup `plan` and `apply <manifest>` share: load the manifest (problems end the command),
 * choose the target from flags, env vars and the manifest's `app:` (warning on stderr when a flag
 * or env var overrides a different `app:`), and connect to it.
 */
export async function connectForManifest(
  manifestPath: string,
  flags: TargetFlags,
  io: CliIO,
  options: { onClientEvent?: (event: ClientEvent) => void } = {},
): Promise<{ manifest: Manifest; connection: Connection }> {
  const manifest = await loadManifestOrFail(manifestPath, io);
  const target = selectTarget({
    flags,
    env: io.env,
    manifestApp: manifest.app,
    manifestName: manifest.name,
    manifestDir: dirname(manifest.path),
  });
  const warning = appOverrideWarning(target, manifest.app);
  if (warning !== undefined) io.err(warning);
  const connection = await connect(target, io, options);
  return { manifest, connection };
}
