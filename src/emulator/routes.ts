/**
 * Mapping a method and path to the RPC it addresses, per the protos' HTTP bindings: every inputs
 * RPC under `/v2/users/{user_id}/apps/{app_id}/inputs…` and under the short `/v2/inputs…`.
 */
import type { EndpointName } from "./stats.js";

export type InputsEndpoint = Exclude<EndpointName, "Unknown">;

/** The app a path names: explicitly, or the short form (`/v2/inputs…`) that names none. */
export type PathApp = { kind: "path"; userId: string; appId: string } | { kind: "short" };

export type Route =
  | { kind: "endpoint"; endpoint: InputsEndpoint; app: PathApp; inputId?: string }
  | { kind: "not-found" }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-implemented"; rpc: string };

/** Input sub-resources the API has but the emulator does not model. */
const unmodeled: Record<string, string> = {
  searches: "PostInputsSearches",
  jobs: "InputsAddJobs / InputsExtractionJobs",
  data_sources: "PostInputsDataSources",
  uploads: "PostInputsUploads",
};

function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function inputsRoute(method: string, rest: string[], app: PathApp): Route {
  const endpoint = (endpoint: InputsEndpoint, inputId?: string): Route =>
    inputId === undefined
      ? { kind: "endpoint", endpoint, app }
      : { kind: "endpoint", endpoint, app, inputId };
  const [first, second] = rest;
  if (first === undefined) {
    const byMethod: Record<string, InputsEndpoint> = {
      GET: "ListInputs",
      POST: "PostInputs",
      PATCH: "PatchInputs",
      DELETE: "DeleteInputs",
    };
    const found = byMethod[method];
    return found ? endpoint(found) : { kind: "method-not-allowed", allow: Object.keys(byMethod) };
  }
  if (first === "") return { kind: "not-found" };
  const rpc = unmodeled[first];
  if (rest.length === 1) {
    if (method === "GET" && first === "stream") return endpoint("StreamInputs");
    if (method === "GET" && first === "status") return endpoint("GetInputCount");
    if (method === "GET") return endpoint("GetInput", first);
    if (method === "DELETE") return endpoint("DeleteInput", first);
    if (rpc) return { kind: "not-implemented", rpc };
    return { kind: "method-not-allowed", allow: ["GET", "DELETE"] };
  }
  if (rpc) return { kind: "not-implemented", rpc };
  if (rest.length === 2 && second === "video_manifest")
    return { kind: "not-implemented", rpc: "GetInputVideoManifest" };
  return { kind: "not-found" };
}

/** The route of a request; `pathname` is the raw (still percent-encoded) path. */
export function matchRoute(method: string, pathname: string): Route {
  const parts = splitPath(pathname);
  if (parts?.[0] !== "v2") return { kind: "not-found" };
  if (parts[1] === "inputs") return inputsRoute(method, parts.slice(2), { kind: "short" });
  if (parts[1] === "users" && parts[3] === "apps" && parts[5] === "inputs") {
    const userId = parts[2];
    const appId = parts[4];
    if (!userId || !appId) return { kind: "not-found" };
    return inputsRoute(method, parts.slice(6), { kind: "path", userId, appId });
  }
  return { kind: "not-found" };
}
