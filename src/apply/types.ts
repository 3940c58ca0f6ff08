/** What `apply` reports while it works and when it is done. */

import type { Change } from "../plan/types.js";

export type ApplyPhase = "delete" | "confirm-delete" | "create" | "update" | "wait";

export type ApplyEvent =
  | { type: "phase.start"; phase: ApplyPhase; total: number }
  | { type: "phase.progress"; phase: ApplyPhase; done: number; failed: number; total: number }
  | { type: "phase.end"; phase: ApplyPhase; done: number; failed: number; total: number }
  | { type: "batch.retry"; ids: number; reason: "input-status" };

/** One input that did not make it, with the server's words where there were any. */
export interface ApplyFailure {
  id: string;
  phase: ApplyPhase;
  code?: number | undefined;
  description: string;
}

/** A planned change that this run did not finish. */
export type NotDone =
  /** Never attempted: interrupted, or apply stopped taking work before it. */
  | { id: string; action: Change["action"]; state: "not-started" }
  /** A replace (or recreate) whose delete went through but whose new input was not posted. */
  | { id: string; action: "replace" | "recreate"; state: "deleted-not-reposted" };

/** Why apply stopped taking new work before the plan was done. */
export type ApplyStop =
  /** The user (Ctrl-C) or the system (SIGTERM) asked it to stop. */
  | { kind: "interrupted" }
  /** Whole requests kept failing after the client's retries: the API or the network is down. */
  | { kind: "api-failing"; requestsInARow: number; lastError: string };

export interface ApplyReport {
  /** Inputs deleted because the manifest dropped them (`--prune`). */
  deleted: string[];
  /** New inputs posted. */
  created: string[];
  /** Inputs deleted and posted again (replace and recreate). */
  replaced: string[];
  updated: string[];
  /** Written inputs that finished indexing successfully. */
  indexed: string[];
  failed: ApplyFailure[];
  /** Planned changes not finished (interrupted, or blocked by an earlier failure). */
  notDone: NotDone[];
  /** Written inputs not yet seen indexed when waiting stopped (timeout or interrupt). */
  stillIndexing: string[];
  /** Set when apply stopped taking new work before the plan was done. */
  stopped: ApplyStop | undefined;
  waited: boolean;
  /** Requests made to the API by this apply, per kind, for the report. */
  requests: { delete: number; confirm: number; post: number; patch: number; poll: number };
  /** Rounds of indexing polls. */
  pollRounds: number;
}

/** A report with nothing done yet: what a run starts from. */
export function emptyApplyReport(): ApplyReport {
  return {
    deleted: [],
    created: [],
    replaced: [],
    updated: [],
    indexed: [],
    failed: [],
    notDone: [],
    stillIndexing: [],
    stopped: undefined,
    waited: false,
    requests: { delete: 0, confirm: 0, post: 0, patch: 0, poll: 0 },
    pollRounds: 0,
  };
}
