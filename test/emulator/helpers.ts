import {
  type EmulatorHandle,
  type EmulatorOptions,
  startEmulator,
} from "../../src/emulator/index.js";

export const APP = "/v2/users/acme/apps/catalog";
const AUTH = { authorization: "Key test-token" };

export interface ApiResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON
  body: any;
  text: string;
}

/** A started emulator and a tiny fetch-based caller bound to it. */
export interface TestEmulator extends EmulatorHandle {
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<ApiResult>;
  get(path: string): Promise<ApiResult>;
  post(path: string, body: unknown): Promise<ApiResult>;
  patch(path: string, body: unknown): Promise<ApiResult>;
  del(path: string, body?: unknown): Promise<ApiResult>;
  /** Polls GetInput until the input's status is no longer pending/in progress. */
  waitSettled(id: string, app?: string): Promise<ApiResult>;
}

export async function emulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const handle = await startEmulator({ indexDelayMs: 10, ...options });
  const call: TestEmulator["call"] = async (method, path, opts = {}) => {
    const init: RequestInit = { method, headers: { ...AUTH, ...opts.headers } };
    if (opts.raw !== undefined) init.body = opts.raw;
    else if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
    const response = await fetch(`${handle.url}${path}`, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  const waitSettled = async (id: string, app = APP) => {
    for (let i = 0; i < 500; i++) {
      const r = await call("GET", `${app}/inputs/${encodeURIComponent(id)}`);
      const code = r.body?.input?.status?.code;
      if (code !== 30001 && code !== 30003) return r;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`input ${id} did not settle`);
  };
  return Object.assign(handle, {
    call,
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown) => call("POST", path, { body }),
    patch: (path: string, body: unknown) => call("PATCH", path, { body }),
    del: (path: string, body?: unknown) => call("DELETE", path, body === undefined ? {} : { body }),
    waitSettled,
  });
}

/** A 1×1 PNG. */
export const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

export function urlInput(id: string, n = id, extra: Record<string, unknown> = {}) {
  return { id, data: { image: { url: `https://img.example.com/${n}.jpg` }, ...extra } };
}
