import type { DesiredIndex } from "./desired-index.js";

/** A loaded manifest without its inputs (a load that hands them to a sink returns this). */
export type ManifestInfo = Omit<Manifest, "inputs">;

/** A loaded, validated and fully resolved manifest. */
export interface Manifest {
  /** Path of the root manifest as given by the user. */
  path: string;
  /** sha256 of the root manifest file's bytes. */
  sha256: string;
  name: string;
  app?: { user_id?: string; app_id?: string };
  /** The declared inputs, compact (`inputAt` rebuilds one, `toArray` all). */
  inputs: DesiredIndex;
  /** Every file read: the root manifest first, then includes in load order. */
  files: string[];
  /** Files under folder sources that are not inputs: hidden ones, and ones not named as images. */
  skipped?: { hidden: number; notImages: number };
}
