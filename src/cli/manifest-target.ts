import { dirname } from "node:path";
import type { ClientEvent } from "../api/client.js";
import { type Connection, connect } from "./connect.js";
import type { CliIO } from "./io.js";
import { type LoadingManifest, startLoadingManifest } from "./manifest-loading.js";
import { appOverrideWarning, selectTarget, type TargetFlags } from "./target.js";

/**
 * The setup `plan` and `apply <manifest>` share: start loading the manifest (on a worker
 * thread), choose the target from flags, env vars and the root's `app:` (warning on stderr when
 * a flag or env var overrides a different `app:`), and connect to it while the rest loads. A
 * manifest's problems win over a target's: when choosing or connecting fails, the load is
 * awaited first, and its error is the one thrown if it failed too.
 */
export async function connectForManifest(
  manifestPath: string,
  flags: TargetFlags,
  io: CliIO,
  options: { onClientEvent?: (event: ClientEvent) => void } = {},
): Promise<{ loading: LoadingManifest; connection: Connection }> {
  const loading = await startLoadingManifest(manifestPath, io);
  const { root } = loading;
  try {
    const target = selectTarget({
      flags,
      env: io.env,
      manifestApp: root.app,
      manifestName: root.name,
      manifestDir: dirname(root.path),
    });
    const warning = appOverrideWarning(target, root.app);
    if (warning !== undefined) io.err(warning);
    const connection = await connect(target, io, options);
    return { loading, connection };
  } catch (error) {
    await loading.loaded;
    throw error;
  }
}
