import { MockAgent } from "undici";
import { type ClientEvent, type ClientOptions, createClient } from "../../src/api/client.js";

const ORIGIN = "https://api.example.com";
export const TOKEN = "pat-Zq9SECRETx7Kw3";

/** What the mock API saw of one request. */
interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A client against undici's MockAgent, with replies scripted in order, a recording of every request
 * that got a reply, and a fake clock: backoff and pacing record their waits instead of waiting.
 */
export function mockApi(options: Partial<ClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const seen: SeenRequest[] = [];
  const events: ClientEvent[] = [];
  const sleeps: number[] = [];
  const client = createClient({
    apiBase: ORIGIN,
    pat: TOKEN,
    userId: "u",
    appId: "a",
    dispatcher: agent,
    onEvent: (e) => events.push(e),
    ...options,
    retry: {
      random: () => 0.5,
      now: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options.retry,
    },
  });
  const any = () => true;

  /** The next request gets this reply (an object is sent as JSON, a string as is). */
  function reply(
    statusCode: number,
    body: unknown,
    headers: Record<string, string> = {},
    times = 1,
  ): void {
    pool
      .intercept({ path: any, method: any })
      .reply((req) => {
        seen.push({
          method: req.method,
          path: req.path,
          headers: { ...(req.headers as Record<string, string>) },
          body: typeof req.body === "string" ? JSON.parse(req.body) : undefined,
        });
        return {
          statusCode,
          data: typeof body === "string" ? body : JSON.stringify(body),
          responseOptions: { headers: { "content-type": "application/json", ...headers } },
        };
      })
      .times(times);
  }

  /** The next request fails in transport with this error code (ECONNRESET…). */
  function fail(code: string, message = `socket error ${code}`, times = 1): void {
    pool
      .intercept({ path: any, method: any })
      .replyWithError(Object.assign(new Error(message), { code }))
      .times(times);
  }

  return { agent, client, seen, events, sleeps, reply, fail };
}

export const ok = (extra: Record<string, unknown> = {}) => ({
  status: { code: 10000, description: "Ok", req_id: "0b9d8c7e6f5a4b3c2d1e0f9a8b7c6d5e" },
  ...extra,
});

export const input = (id: string) => ({
  id,
  data: { image: { url: `https://img.example.com/${id}.jpg` } },
  status: { code: 30000, description: "Download complete" },
});
