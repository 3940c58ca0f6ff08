/**
 * The emulator's settings (contract §6 flags), their defaults and their validation.
 */
import { ApiLimits } from "../api/types.js";
import { type EmulatorClock, systemClock } from "./clock.js";
import type { AppRef } from "./store.js";

/** Whether inputs uploaded as bytes come back with a hosted URL (README "Hosted images"). */
type HostedUrls = "on" | "off";

/** How to start the emulator. Every field is optional; see the defaults in `resolveOptions`. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** SQLite file; default `:memory:`. */
  db?: string;
  /** When set, only `Authorization: Key <pat>` is accepted; otherwise any `Key` token is. */
  pat?: string;
  /** The app the short path form `/v2/inputs…` addresses: "USER/APP" or an AppRef. */
  app?: string | AppRef;
  /** Time from POST to the final indexing status (half pending, half in progress); default 200. */
  indexDelayMs?: number;
  /** `fetch` downloads each image URL when indexing; `skip` (default) never touches the network. */
  download?: "skip" | "fetch";
  /** Inputs whose URL matches fail indexing. */
  failUrl?: string | RegExp;
  /** How long a deleted input keeps its id and stays readable; default 0 (gone at once). */
  deleteDelayMs?: number;
  /** Requests per second above which requests get HTTP 429 / CONN_THROTTLED; 0 = no limit. */
  rateLimit?: number;
  /** Fraction (0–1) of requests answered with an injected 5xx. */
  faultRate?: number;
  /** Seed of the fault injector; default 1. */
  seed?: number;
  /** Added to every response, in milliseconds. */
  latencyMs?: number;
  /** `--download fetch` timeout per URL; default 10,000 ms. */
  downloadTimeoutMs?: number;
  /**
   * An image (uploaded bytes, or a `--download fetch` body) must be smaller than this; default
   * `ApiLimits.maxImageBytes` (20,000,000: a file of exactly that size is refused). Lower it only
   * to keep a test small.
   */
  maxImageBytes?: number;
  /**
   * `on`: inputs posted as base64 bytes come back with `image.url` and `image.hosted` pointing at
   * the emulator's own `/_hosted/…`, which serves the bytes. Default `on`: the API's answer as far
   * as public sources show (reference datasets §9a); `off` keeps the older shape.
   */
  hostedUrls?: HostedUrls;
  /** Where time comes from; default the system clock. Tests pass a `ManualClock`. */
  clock?: EmulatorClock;
  /** Largest request body accepted; default 128 MB (the API's per-request limit). */
  maxRequestBytes?: number;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  db: string;
  pat: string | undefined;
  app: AppRef | undefined;
  indexDelayMs: number;
  download: "skip" | "fetch";
  failUrl: RegExp | undefined;
  deleteDelayMs: number;
  rateLimit: number;
  faultRate: number;
  seed: number;
  latencyMs: number;
  downloadTimeoutMs: number;
  maxImageBytes: number;
  maxRequestBytes: number;
  hostedUrls: HostedUrls;
  clock: EmulatorClock;
}

/** Parses "USER/APP". Throws on anything else. */
export function parseAppRef(text: string): AppRef {
  const parts = text.split("/");
  const [userId, appId] = parts;
  if (parts.length !== 2 || !userId || !appId) {
    throw new Error(`app must be USER/APP, got ${JSON.stringify(text)}`);
  }
  return { userId, appId };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got ${value}`);
  return value;
}

/** Fills in defaults and validates. Throws an Error naming the bad option. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const port = nonNegative("port", options.port, 0);
  if (!Number.isInteger(port) || port > 65535)
    throw new Error(`port must be an integer 0–65535, got ${port}`);
  const faultRate = nonNegative("faultRate", options.faultRate, 0);
  if (faultRate > 1) throw new Error(`faultRate must be between 0 and 1, got ${faultRate}`);
  const download = options.download ?? "skip";
  if (download !== "skip" && download !== "fetch") {
    throw new Error(`download must be "skip" or "fetch", got ${JSON.stringify(download)}`);
  }
  const hostedUrls = options.hostedUrls ?? "on";
  if (hostedUrls !== "on" && hostedUrls !== "off") {
    throw new Error(`hostedUrls must be "on" or "off", got ${JSON.stringify(hostedUrls)}`);
  }
  let failUrl: RegExp | undefined;
  if (typeof options.failUrl === "string") {
    try {
      failUrl = new RegExp(options.failUrl);
    } catch (error) {
      throw new Error(`failUrl is not a valid regular expression: ${(error as Error).message}`);
    }
  } else {
    failUrl = options.failUrl;
  }
  return {
    port,
    host: options.host ?? "127.0.0.1",
    db: options.db ?? ":memory:",
    pat: options.pat || undefined,
    app: typeof options.app === "string" ? parseAppRef(options.app) : options.app,
    indexDelayMs: Math.round(nonNegative("indexDelayMs", options.indexDelayMs, 200)),
    download,
    failUrl,
    deleteDelayMs: Math.round(nonNegative("deleteDelayMs", options.deleteDelayMs, 0)),
    rateLimit: nonNegative("rateLimit", options.rateLimit, 0),
    faultRate,
    seed: Math.trunc(options.seed ?? 1),
    latencyMs: nonNegative("latencyMs", options.latencyMs, 0),
    downloadTimeoutMs: nonNegative("downloadTimeoutMs", options.downloadTimeoutMs, 10_000),
    maxImageBytes: nonNegative("maxImageBytes", options.maxImageBytes, ApiLimits.maxImageBytes),
    maxRequestBytes: nonNegative("maxRequestBytes", options.maxRequestBytes, 128 * 1024 * 1024),
    hostedUrls,
    clock: options.clock ?? systemClock,
  };
}
