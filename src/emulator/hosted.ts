/**
 * Hosted copies of images (the API's `image.hosted`, reference datasets §9a): their names, how
 * replies show them, and `GET /_hosted/{size}/users/{user}/apps/{app}/inputs/image/{name}`, which
 * serves the bytes of an uploaded image to a caller with a valid `Authorization: Key` header.
 */
import type { ImageFacts } from "./image-sniff.js";

/** The path under the emulator's origin where hosted copies live (`--hosted-urls on`). */
export const HOSTED_PATH = "/_hosted";

/** The real API's host for hosted copies (what `--hosted-urls off` shows, never served). */
export const CLARIFAI_HOSTED_PREFIX = "https://data.clarifai.com";

/** The sizes an indexed image is hosted in; an upload is hosted in `orig` from the start. */
export const HOSTED_SIZES = ["orig", "tiny", "small", "large"] as const;

/** How replies show hosted copies. */
export interface HostedConfig {
  /** `hosted.prefix`: the emulator's own `…/_hosted` with `on`, the API's host with `off`. */
  prefix: string;
  /** `on`: byte uploads carry `image.url` and `image.hosted` in every reply, from the POST on. */
  uploads: boolean;
}

/** A 32-hex name for an input's hosted copy. */
export function hostedName(app: number, id: string, created: number): string {
  // Opaque but stable and unique per store (created is strictly increasing); cheaper than a
  // cryptographic hash when seeding a million inputs.
  const hex32 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return (
    hex32(fnv1a(id, 0x811c9dc5 ^ app)) +
    hex32(fnv1a(id, 0x01000193)) +
    created.toString(16).padStart(16, "0").slice(-16)
  );
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash;
}

/** What a `/_hosted/…` path names. */
export interface HostedPath {
  size: string;
  userId: string;
  appId: string;
  name: string;
}

/** Parses `/_hosted/{size}/users/{user}/apps/{app}/inputs/image/{name}`; undefined otherwise. */
export function parseHostedPath(pathname: string): HostedPath | undefined {
  let parts: string[];
  try {
    parts = pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [root, size, users, userId, apps, appId, inputs, image, name, ...rest] = parts;
  if (
    `/${root}` !== HOSTED_PATH ||
    users !== "users" ||
    apps !== "apps" ||
    inputs !== "inputs" ||
    image !== "image" ||
    rest.length > 0 ||
    !size ||
    !userId ||
    !appId ||
    !name
  ) {
    return undefined;
  }
  return { size, userId, appId, name };
}

const contentTypes: Record<ImageFacts["format"], string> = {
  JPEG: "image/jpeg",
  PNG: "image/png",
  GIF: "image/gif",
  BMP: "image/bmp",
  WEBP: "image/webp",
  TIFF: "image/tiff",
};

/** The Content-Type for a stored image's sniffed format. */
export function contentTypeOf(format: string | null): string {
  return contentTypes[format as ImageFacts["format"]] ?? "application/octet-stream";
}
