/**
 * Fault injection: a token bucket for `--rate-limit` (HTTP 429 / CONN_THROTTLED) and seeded
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
 * The server side of `--rate-limit`: allows `rps` requests per second on average, with bursts of
 * up to one second's worth. (Not the client's pacing limiter, `src/api/rate-limiter.ts`.)
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(
    private readonly rps: number,
    private readonly nowMs: () => number,
  ) {
    this.capacity = Math.max(1, rps);
    this.tokens = this.capacity;
    this.last = nowMs();
  }

  /** Takes a token; when none is left, says how many whole seconds to wait. */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.nowMs();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.rps)) };
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
