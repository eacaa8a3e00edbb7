/**
 * Makes `target` (a lightweight stand-in class's prototype, node-request.ts)
 * inherit from a web class's prototype (`Request.prototype`) so that
 * `instanceof` holds, and defines every member of that prototype the stand-in
 * does not define itself as a pass-through to the real object `real(self)`
 * (built on first use). Without the pass-through, undici's getters would throw
 * on the stand-in (it has none of their internal slots).
 */
export function inheritThrough(target: object, base: object, real: (self: object) => object): void {
  Object.setPrototypeOf(target, base);
  for (const key of Reflect.ownKeys(base)) {
    if (key === 'constructor' || key === Symbol.toStringTag || Object.hasOwn(target, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(base, key)!;
    if (descriptor.get) {
      Object.defineProperty(target, key, {
        configurable: true,
        get(this: object) {
          return Reflect.get(real(this), key);
        },
      });
    } else if (typeof descriptor.value === 'function') {
      const method = descriptor.value as (...args: unknown[]) => unknown;
      Object.defineProperty(target, key, {
        configurable: true,
        writable: true,
        value(this: object, ...args: unknown[]) {
          return method.apply(real(this), args);
        },
      });
    }
  }
}
