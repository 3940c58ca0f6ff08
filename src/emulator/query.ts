/**
 * GET query parameters the way the API's gateway reads them: nested fields dotted
 * (`status.code`), repeated fields as repeated keys (`ids=a&ids=b`), proto or lowerCamelCase
 * names, booleans as `true|True|1`. Unknown parameters are refused (our stricter choice).
 */

import { parseStatusCode } from "../api/status-names.js";
import { badFormat } from "./json-request.js";

function lowerCamelPath(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Query parameters of one request, checked against the names an endpoint accepts. */
export class QueryParams {
  private readonly values = new Map<string, string[]>();

  constructor(search: URLSearchParams, accepted: readonly string[]) {
    const names = new Map<string, string>();
    for (const name of [...accepted, "user_app_id.user_id", "user_app_id.app_id"]) {
      names.set(name, name);
      names.set(lowerCamelPath(name), name);
    }
    for (const [key, value] of search) {
      const name = names.get(key);
      if (name === undefined) throw badFormat(`unknown query parameter "${key}"`);
      const list = this.values.get(name) ?? [];
      list.push(value);
      this.values.set(name, list);
    }
  }

  /** Reads (and checks) the query of a request for an endpoint accepting `accepted`. */
  static read(search: URLSearchParams, accepted: readonly string[]): QueryParams {
    return new QueryParams(search, accepted);
  }

  /** The last value given for `name`, or undefined. */
  string(name: string): string | undefined {
    return this.values.get(name)?.at(-1);
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** A uint32 field; 0 when absent. */
  uint(name: string): number {
    const value = this.string(name);
    if (value === undefined || value === "") return 0;
    if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) {
      throw badFormat(`query parameter ${name}: "${value}" is not an unsigned integer`);
    }
    return Number(value);
  }

  bool(name: string): boolean {
    const value = this.string(name);
    if (value === undefined || value === "") return false;
    if (/^(true|1)$/i.test(value)) return true;
    if (/^(false|0)$/i.test(value)) return false;
    throw badFormat(`query parameter ${name}: "${value}" is not a boolean`);
  }

  statusCode(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined || value === "") return undefined;
    const code = parseStatusCode(value);
    if (code === undefined)
      throw badFormat(`query parameter ${name}: unknown status code "${value}"`);
    return code === 0 ? undefined : code;
  }
}
