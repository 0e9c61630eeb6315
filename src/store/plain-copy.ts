/**
 * A deep copy of a record made of plain objects, arrays and primitives, as every stored record is
 * (the state file holds them as JSON). The in-memory stores hand out and keep copies so no caller
 * can change what is stored behind the store's back, the same as a Redis round trip. structuredClone
 * does this too but serialises through the HTML structured-clone format, about ten times slower for
 * a record this size, and an interaction is copied on every Identity Engine request (docs/bench.md,
 * "What makes mockta fast").
 */
export function plainCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(plainCopy) as T
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    const item = plainCopy((value as Record<string, unknown>)[key])
    // A key taken from a request (a query parameter's name) may be `__proto__`: kept as an own field, as JSON.parse keeps it.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true })
    else copy[key] = item
  }
  return copy as T
}
