import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type ClientEvent, createClient } from "../api/client.js";
import type { InputsApi } from "../api/client-types.js";
import type { PlanTarget } from "../plan/types.js";
import type { CliIO } from "./io.js";
import { clientNotices } from "./notices.js";
import { sqliteMissingError } from "./sqlite-missing.js";
import { planTargetOf, type Target } from "./target.js";

/** How long the embedded local app keeps a new input pending before it is indexed. */
const LOCAL_INDEX_DELAY_MS = 300;

export interface Connection {
  api: InputsApi;
  target: PlanTarget;
  /** Whether requests are rate-capped, for the plan's estimate line. */
  maxRps: number | undefined;
  close(): Promise<void>;
}

/**
 * Opens the selected target: a client for a real API, or the embedded local app (the emulator
 * started in-process on a loopback port over the store in `dir`), announced in one line on stderr.
 */
export async function connect(
  target: Target,
  io: CliIO,
  options: { onClientEvent?: (event: ClientEvent) => void } = {},
): Promise<Connection> {
  const onEvent = options.onClientEvent ?? clientNotices((line) => io.err(line));
  const open = (apiBase: string, pat: string) =>
    createClient({
      apiBase,
      pat,
      userId: target.userId,
      appId: target.appId,
      maxRps: target.maxRps,
      onEvent,
    });
  const connection = (api: InputsApi, close: () => Promise<void>): Connection => ({
    api,
    target: planTargetOf(target),
    maxRps: target.maxRps,
    close,
  });
  if (target.kind === "remote") {
    const client = open(target.apiBase, target.pat);
    return connection(client, () => client.close());
  }

  const dir = resolve(io.cwd, target.dir);
  await mkdir(dir, { recursive: true });
  // Loaded only for the local app: a real app's plan never loads the server or SQLite.
  const { startEmulator } = await import("../emulator/index.js");
  const emulator = await startEmulator({
    port: 0,
    db: join(dir, "emulator.db"),
    indexDelayMs: LOCAL_INDEX_DELAY_MS,
  }).catch((error: unknown) => {
    throw sqliteMissingError("the embedded local app", error) ?? error;
  });
  io.err(
    target.source.api_base === "default"
      ? `Using the embedded local app in ${target.dir} (no CLARIFAI_PAT or --api-base given; set them to target a real Clarifai app).`
      : `Using the embedded local app in ${target.dir}.`,
  );
  const client = open(emulator.url, "embedded-local-app-token");
  return connection(client, async () => {
    await client.close();
    await emulator.close();
  });
}
