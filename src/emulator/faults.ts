/**
 * Fault injection: a rolling-second limit for `--rate-limit` (HTTP 429 / CONN_THROTTLED) and seeded
 * random server errors. Given the same seed and the same order of requests, the same requests fail.
 */
import { Code } from "./status-codes.js";

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The server side of `--rate-limit` as a strict server enforces it: never more than `rps` requests
 * admitted in any rolling second (the window `(now − 1 s, now]`); the excess is refused until the
 * oldest admitted request leaves the window. No burst beyond the limit, and no hint of when to come
 * back (a strict server sends no Retry-After). A rate below 1 or with a fraction admits
 * `max(1, floor(rps))` requests per `1000 × that / rps` ms. (Not the client's pacing limiter,
 * `src/api/rate-limiter.ts`.)
 */
export class RollingWindowLimit {
  /** Admission times of the last `perWindow` admitted requests, oldest at `next`. */
  private readonly admitted: number[] = [];
  private next = 0;
  private readonly perWindow: number;
  private readonly windowMs: number;

  constructor(
    rps: number,
    private readonly nowMs: () => number,
  ) {
    this.perWindow = Math.max(1, Math.floor(rps));
    this.windowMs = (1000 * this.perWindow) / rps;
  }

  /** Admits the request now, or refuses it: `rps` requests were already admitted this second. */
  take(): boolean {
    const now = this.nowMs();
    if (this.admitted.length < this.perWindow) {
      this.admitted.push(now);
      return true;
    }
    const oldest = this.admitted[this.next] ?? Number.NEGATIVE_INFINITY;
    if (now - oldest < this.windowMs) return false;
    this.admitted[this.next] = now;
    this.next = (this.next + 1) % this.perWindow;
    return true;
  }
}

/** An injected server error. `afterHandler`: the request's writes happen, then the reply is lost. */
export interface InjectedFault {
  code: number;
  details: string;
  afterHandler: boolean;
}

const faultKinds = [
  { code: Code.INTERNAL_SERVER_ISSUE, details: "injected fault: internal server issue" },
  { code: Code.RPC_SERVER_UNAVAILABLE, details: "injected fault: server unavailable" },
] as const;

/** Decides, request by request, whether to fail it; reproducible for a given seed. */
export class FaultInjector {
  private readonly random: () => number;

  constructor(
    private readonly rate: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  next(): InjectedFault | undefined {
    if (this.rate <= 0) return undefined;
    if (this.random() >= this.rate) return undefined;
    const kind = faultKinds[Math.floor(this.random() * faultKinds.length)] ?? faultKinds[0];
    return { code: kind.code, details: kind.details, afterHandler: this.random() < 0.5 };
  }
}
