/** Helpers of the tests that hold a JSON Schema and the TypeScript types it mirrors together. */

/** The keys of T that are not optional. */
export type RequiredKeys<T> = {
  [K in keyof T]-?: Record<string, never> extends Pick<T, K> ? never : K;
}[keyof T];

/** `true` only when A and B are the same union. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type Json = Record<string, unknown>;

/** The schema node at a `/`-separated path (`$defs/input`). */
export function at(schema: Json, path: string): Json {
  let node: unknown = schema;
  for (const key of path.split("/").filter(Boolean)) node = (node as Json)[key];
  return node as Json;
}

/** An object schema's property names and required names, sorted. */
export function shape(node: Json): { keys: string[]; required: string[] } {
  return {
    keys: Object.keys((node.properties as Json | undefined) ?? {}).sort(),
    required: [...((node.required as string[] | undefined) ?? [])].sort(),
  };
}

export const sorted = (items: readonly string[]): string[] => [...items].sort();
