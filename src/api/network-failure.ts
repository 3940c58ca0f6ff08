import type { NetworkErrorKind } from "./errors.js";

const KIND_BY_CODE: Record<string, NetworkErrorKind> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "unresolved",
  EAI_AGAIN: "unresolved",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  EHOSTDOWN: "unreachable",
  ENETDOWN: "unreachable",
  ECONNRESET: "reset",
  ECONNABORTED: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  ETIMEDOUT: "connect-timeout",
  UND_ERR_CONNECT_TIMEOUT: "connect-timeout",
  UND_ERR_HEADERS_TIMEOUT: "headers-timeout",
  UND_ERR_BODY_TIMEOUT: "body-timeout",
};

/** What a transport error (from undici or the socket) means, with any token redacted. */
export function describeNetworkFailure(
  error: unknown,
  options: { connectTimeoutMs: number; requestTimeoutMs: number; redact: (text: string) => string },
): {
  kind: NetworkErrorKind;
  errorCode: string | undefined;
  reason: string | undefined;
  timeoutMs: number | undefined;
  cause: Error;
} {
  const errorCode = findCode(error);
  const kind = (errorCode === undefined ? undefined : KIND_BY_CODE[errorCode]) ?? "other";
  const message = options
    .redact(error instanceof Error ? error.message : String(error))
    .replace(/\s+/g, " ");
  // A copy, not the original: undici's errors may quote request headers (MockAgent's do).
  const cause = Object.assign(new Error(message), {
    name: error instanceof Error ? error.name : "Error",
    ...(errorCode === undefined ? {} : { code: errorCode }),
  });
  const timeoutMs =
    kind === "connect-timeout"
      ? options.connectTimeoutMs
      : kind === "headers-timeout" || kind === "body-timeout"
        ? options.requestTimeoutMs
        : undefined;
  return {
    kind,
    errorCode,
    reason: kind === "other" ? message.slice(0, 200) : undefined,
    timeoutMs,
    cause,
  };
}

/** The error code, looking into AggregateError (happy eyeballs) and `cause` chains. */
function findCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code in KIND_BY_CODE) return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = findCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  const viaCause = findCode((error as { cause?: unknown }).cause, depth + 1);
  if (viaCause !== undefined) return viaCause;
  return typeof code === "string" ? code : undefined;
}
