/**
 * Drops null and undefined fields: Alibaba leaves unset optional fields out of a response
 * rather than sending null, and the SDK models treat absence as "not set".
 */
export function compact<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}
