/**
 * Where a manifest's inputs stand in the live app (pure, streaming): feed live inputs as pages
 * arrive, then `finish()` once. Memory holds the declared index and what is reported (pending and
 * failed inputs, per-concept counts), never the whole app.
 */
import type { ApiInput } from "../api/types.js";
import { DIFFERS, FAILED, type Outcome, SUCCESS } from "../errors.js";
import type { DesiredIndex } from "../manifest/desired-index.js";
import { parseInputKey } from "../manifest/input-key.js";
import { readOwnershipMarker } from "../plan/canonical.js";
import { indexStateOf } from "../plan/input-status.js";

/** A declared input that is live but not indexed yet, or failed. */
export interface InputState {
  id: string;
  code: number | undefined;
  description?: string;
  details?: string;
}

/** Declared vs live counts of one concept (present, value 1). */
interface ConceptCount {
  id: string;
  /** Declared inputs listing the concept as present. */
  declared: number;
  /** Of the declared inputs found live, how many carry it as present. */
  live: number;
}

/** The status of a manifest's inputs in the app. */
export interface ManifestStatus {
  declared: number;
  /** Present and indexed (INPUT_SUCCESS). */
  indexed: number;
  pending: InputState[];
  failed: InputState[];
  /** Declared ids absent from the app, in manifest order. */
  missing: string[];
  /** Live inputs marked with this manifest's name that it no longer declares. */
  ownedUndeclared: number;
  /** Live inputs neither declared nor owned. */
  unmanaged: number;
  /** Sorted by concept id. */
  concepts: ConceptCount[];
}

export interface StatusTally {
  observe(live: ApiInput): void;
  finish(): ManifestStatus;
}

export function createStatusTally(options: {
  manifestName: string;
  desired: DesiredIndex;
}): StatusTally {
  const { manifestName, desired } = options;
  const seen = new Uint8Array(desired.size);
  const concepts = new Map<string, ConceptCount>();
  const concept = (id: string) => {
    let count = concepts.get(id);
    if (count === undefined) {
      count = { id, declared: 0, live: 0 };
      concepts.set(id, count);
    }
    return count;
  };
  for (let i = 0; i < desired.size; i++) {
    for (const c of parseInputKey(desired.keyAt(i)).concepts) {
      if (c.value === 1) concept(c.id).declared++;
    }
  }
  const status: ManifestStatus = {
    declared: desired.size,
    indexed: 0,
    pending: [],
    failed: [],
    missing: [],
    ownedUndeclared: 0,
    unmanaged: 0,
    concepts: [],
  };

  return {
    observe(live) {
      const i = desired.indexOf(live.id);
      if (i === undefined) {
        const owner = readOwnershipMarker(live.data?.metadata)?.manifest;
        if (owner === manifestName) status.ownedUndeclared++;
        else status.unmanaged++;
        return;
      }
      if (seen[i] === 1) return; // a stream may repeat an id under concurrent writes
      seen[i] = 1;
      for (const c of live.data?.concepts ?? []) {
        if (Number(c.value ?? 1) !== 0) concept(c.id).live++;
      }
      const code = live.status?.code;
      const state = indexStateOf(code);
      if (state === "done") {
        status.indexed++;
        return;
      }
      const entry: InputState = { id: live.id, code };
      if (live.status?.description) entry.description = live.status.description;
      if (live.status?.details) entry.details = live.status.details;
      (state === "failed" ? status.failed : status.pending).push(entry);
    },
    finish() {
      for (let i = 0; i < desired.size; i++) {
        if (seen[i] === 0) status.missing.push(desired.idAt(i));
      }
      status.concepts = [...concepts.values()].sort((a, b) =>
        a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
      return status;
    },
  };
}

/**
 * How `dataset status` with a manifest ends: failed when any declared input failed; with
 * `detailedExitcode`, differs when some are pending or missing; otherwise success.
 */
export function statusOutcome(status: ManifestStatus, detailedExitcode: boolean): Outcome {
  if (status.failed.length > 0) return FAILED;
  if (detailedExitcode && (status.pending.length > 0 || status.missing.length > 0)) return DIFFERS;
  return SUCCESS;
}
