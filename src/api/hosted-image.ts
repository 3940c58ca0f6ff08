/**
 * Which hosts may receive the token when `dataset` downloads an image the API hosts. A byte
 * upload has no public URL: the API returns a hosted copy (`data.image.url`, or `hosted.prefix` +
 * `/orig/` + `hosted.suffix`) that needs `Authorization: Key …` (reference: datasets §9(a)). The
 * token goes only to the API's own origin or, over https, to a sibling host of the API's domain
 * (`data.clarifai.com` beside `api.clarifai.com`); never anywhere else, whatever a reply says.
 */

/** A hosted image URL the client refused to send the token to. */
export class HostedImageRefused extends Error {
  constructor(readonly url: string) {
    super(`refusing to send the token to ${safeOrigin(url)}: not the API's host`);
    this.name = "HostedImageRefused";
  }
}

/** A hosted image that could not be fetched (HTTP error, too large). */
export class HostedImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostedImageError";
  }
}

const IP_HOST = /^(\d+\.){3}\d+$|^\[.*\]$/;

/** The registrable-looking parent of a host name (`api.clarifai.com` → `clarifai.com`), if any. */
function parentDomain(host: string): string | undefined {
  if (IP_HOST.test(host) || host === "localhost") return undefined;
  const labels = host.split(".");
  return labels.length >= 3 ? labels.slice(1).join(".") : labels.length === 2 ? host : undefined;
}

/** Whether the token may be sent with a GET of `url`, for a client of `apiBase`. Pure. */
export function mayCarryToken(url: string, apiBase: string): boolean {
  let target: URL;
  let api: URL;
  try {
    target = new URL(url);
    api = new URL(apiBase);
  } catch {
    return false;
  }
  if (target.username !== "" || target.password !== "") return false;
  if (target.origin === api.origin) return true;
  if (target.protocol !== "https:") return false;
  const parent = parentDomain(api.hostname);
  return parent !== undefined && target.hostname.endsWith(`.${parent}`);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "an invalid URL";
  }
}
