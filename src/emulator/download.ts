/**
 * `--download fetch`: really fetching an input's URL, with a timeout and a size cap, and
 * checking that what came back is an image.
 */
import { type ImageFacts, sniffImage } from "./image-sniff.js";

export interface DownloadOptions {
  timeoutMs: number;
  /** The image must be smaller than this (the API's limit is exclusive). */
  maxBytes: number;
  /** Aborts the download when the emulator closes. */
  signal?: AbortSignal;
}

export type DownloadOutcome = { ok: true; facts: ImageFacts } | { ok: false; details: string };

async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size >= maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Downloads `url` and says whether it is an acceptable image. Never throws. */
export async function downloadImage(
  url: string,
  options: DownloadOptions,
): Promise<DownloadOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await fetch(url, { signal, redirect: "follow" });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, details: `download failed: HTTP ${response.status} from ${url}` };
    }
    const length = Number(response.headers.get("content-length") ?? "0");
    if (length >= options.maxBytes) {
      await response.body?.cancel();
      return {
        ok: false,
        details: `download failed: ${length} bytes; an image must be smaller than the ${options.maxBytes}-byte limit`,
      };
    }
    const bytes = response.body
      ? await readCapped(response.body, options.maxBytes)
      : Buffer.alloc(0);
    if (!bytes)
      return {
        ok: false,
        details: `download failed: an image must be smaller than the ${options.maxBytes}-byte limit`,
      };
    const facts = sniffImage(bytes);
    if (!facts)
      return { ok: false, details: `download failed: ${url} did not return a supported image` };
    return { ok: true, facts };
  } catch (error) {
    if (timeout.aborted)
      return { ok: false, details: `download failed: timed out after ${options.timeoutMs} ms` };
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    return { ok: false, details: `download failed: ${reason}` };
  }
}
