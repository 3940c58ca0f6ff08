import type { ApiData, ApiInput, ApiStatus, JsonObject } from "../api/types.js";
import type { DesiredInput } from "../manifest/types.js";
import { userMetadata } from "./canonical.js";
import { liveSourceUrl } from "./compare.js";
import { OWNERSHIP_KEY, type OwnershipMarker, type PlannedInput } from "./types.js";

/** The marker `dataset` writes on an input: the manifest's name, and the file's sha256 for files. */
export function ownershipMarkerFor(desired: DesiredInput, manifestName: string): OwnershipMarker {
  return desired.image.kind === "file"
    ? { manifest: manifestName, sha256: desired.image.sha256 }
    : { manifest: manifestName };
}

/**
 * The input as apply will write it (the plan's `after`): user metadata plus the ownership marker;
 * URL images carry `allow_duplicate_url: true` only when the input allows duplicates; file images
 * carry their path relative to `manifestDir` (the root manifest's directory), sha256 and size.
 * Without `manifestDir` the absolute path is recorded.
 */
export function toPlannedInput(
  desired: DesiredInput,
  options: { manifestName: string; manifestDir?: string },
): PlannedInput {
  const image: PlannedInput["data"]["image"] =
    desired.image.kind === "url"
      ? desired.allowDuplicateUrl
        ? { url: desired.image.url, allow_duplicate_url: true }
        : { url: desired.image.url }
      : {
          file: {
            path:
              options.manifestDir === undefined
                ? toPosix(desired.image.absPath)
                : relativePosixPath(options.manifestDir, desired.image.absPath),
            sha256: desired.image.sha256,
            size: desired.image.size,
          },
        };
  return {
    id: desired.id,
    data: {
      image,
      concepts: desired.concepts.map((c) => ({ id: c.id, value: c.value })),
      metadata: {
        ...userMetadata(desired.metadata),
        [OWNERSHIP_KEY]: { ...ownershipMarkerFor(desired, options.manifestName) },
      },
    },
  };
}

function toPosix(path: string): string {
  return path.replaceAll("\\", "/");
}

/** Splits a path into segments, resolving `.` and `..` (a leading `..` is kept). */
function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of toPosix(path).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out;
}

/**
 * `to` relative to the directory `from`, `/`-separated (pure string work, no file system). Both
 * must be absolute, or both relative to the same directory; otherwise `to` is returned as is.
 */
export function relativePosixPath(from: string, to: string): string {
  const isAbs = (p: string) => /^([A-Za-z]:)?[\\/]/.test(p);
  if (isAbs(from) !== isAbs(to)) return toPosix(to);
  const drive = (p: string) => /^([A-Za-z]:)/.exec(p)?.[1]?.toLowerCase() ?? "";
  if (drive(from) !== drive(to)) return toPosix(to);
  const a = segments(from.replace(/^[A-Za-z]:/, ""));
  const b = segments(to.replace(/^[A-Za-z]:/, ""));
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common).map(() => "..");
  const rel = [...up, ...b.slice(common)].join("/");
  return rel === "" ? "." : rel;
}

/**
 * A live input trimmed to what the plan needs (`before`): id, image URL, concepts as `{id, value}`
 * (a missing value is the API's default 1), metadata, timestamps and status code/description.
 * Hosted URLs, image info and the concepts' echoed names are noise that would make plans bulky
 * and unstable. A byte upload keeps no URL: the one the API echoes is its hosted copy (which needs
 * the token to fetch), not the image's identity, and must not read as the "before" image.
 */
export function normaliseLiveInput(live: ApiInput): ApiInput {
  const data: ApiData = {};
  const url = liveSourceUrl(live);
  if (url !== undefined && url !== "") data.image = { url: live.data?.image?.url ?? url };
  const concepts = live.data?.concepts;
  if (concepts !== undefined && concepts.length > 0) {
    data.concepts = concepts.map((c) => ({ id: c.id, value: c.value ?? 1 }));
  }
  // Kept so that reviewers see it: an overwrite patch must carry it to leave it as it is.
  const geo = live.data?.geo;
  if (geo !== undefined) data.geo = geo;
  const metadata = live.data?.metadata;
  if (metadata !== undefined && Object.keys(metadata).length > 0)
    data.metadata = metadata as JsonObject;
  const out: ApiInput = { id: live.id, data };
  if (live.created_at !== undefined) out.created_at = live.created_at;
  if (live.modified_at !== undefined) out.modified_at = live.modified_at;
  if (live.status !== undefined) {
    const status: ApiStatus = { code: live.status.code };
    if (live.status.description) status.description = live.status.description;
    if (live.status.details) status.details = live.status.details;
    out.status = status;
  }
  return out;
}
