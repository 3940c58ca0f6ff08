/**
 * `object[key] = value` as data, whatever the key: assigning `__proto__` would set the object's
 * prototype instead of adding the key (and silently drop it from user metadata).
 */
export function setOwnKey<V>(object: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
