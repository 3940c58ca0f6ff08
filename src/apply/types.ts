/** What `apply` reports while it works and when it is done. */

export type ApplyPhase = "delete" | "confirm-delete" | "create" | "update" | "wait";

export type ApplyEvent =
  | { type: "phase.start"; phase: ApplyPhase; total: number }
  | { type: "phase.progress"; phase: ApplyPhase; done: number; failed: number; total: number }
  | { type: "phase.end"; phase: ApplyPhase; done: number; failed: number; total: number }
  | { type: "batch.retry"; ids: number; reason: string };

/** One input that did not make it, with the server's words where there were any. */
export interface ApplyFailure {
  id: string;
  phase: ApplyPhase;
  code?: number | undefined;
  description: string;
}

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
  /** Planned changes never attempted (interrupted, or blocked by an earlier failure). */
  notDone: { id: string; action: string }[];
  /** Written inputs still indexing when waiting stopped (timeout or interrupt). */
  stillIndexing: string[];
  interrupted: boolean;
  /** Why apply stopped taking new work by itself (the API kept failing), if it did. */
  stopped: string | undefined;
  waited: boolean;
  /** Requests made to the API by this apply, per kind, for the report. */
  requests: { delete: number; confirm: number; post: number; patch: number; poll: number };
  /** Rounds of indexing polls. */
  pollRounds: number;
}
