/**
 * `object[key] = value` as data, whatever the key: assigning `__proto__` would set the object's
 * prototype instead of adding the key (and silently drop it from user metadata). Every other key
 * of a plain object is assigned as usual (defining each property costs ~10× an assignment).
 */
export function setOwnKey<V>(object: Record<string, V>, key: string, value: V): void {
  if (key !== "__proto__") {
    object[key] = value;
    return;
  }
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
