/**
 * The part of the Reflect metadata API that @peculiar/x509 needs. Its dependency injection
 * container (tsyringe) refuses to load without `Reflect.getMetadata`, and the package expects the
 * application to install a polyfill such as `reflect-metadata`. That package is not among our
 * dependencies, and x509 only stores and reads metadata while its own classes are decorated.
 * This shim covers just that. If a full polyfill is already loaded, it is left alone.
 * Import this module before '@peculiar/x509'. ES modules run their imports in order.
 */
type Target = object;
type Key = string | symbol | undefined;

const store = new WeakMap<Target, Map<Key, Map<unknown, unknown>>>();

function own(target: Target, property: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: Target, property?: Key) => {
    own(target, property, true)!.set(key, value);
  };
  reflect.getOwnMetadata = (key: unknown, target: Target, property?: Key) =>
    own(target, property, false)?.get(key);
  reflect.getMetadata = (key: unknown, target: Target, property?: Key) => {
    // Walk the prototype chain, as reflect-metadata does.
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
      const entries = own(t, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
}
