/**
 * A key of a keyed stream: hashable the same way in every process, so state can be restored.
 * Derive a string for composite keys.
 *
 * @example
 * const keyOf = (o: Order): Key => `${o.customer}|${new Date(o.at).getUTCFullYear()}`;
 * orders.keyBy(keyOf);
 */
export type Key = string | number;

/**
 * Default number of key groups; like Flink's max parallelism, fixed for the life of a job.
 *
 * @example
 * const job = pipeline("fx-pricing", { keyGroups: DEFAULT_KEY_GROUPS * 2 }); // for very many keys
 */
export const DEFAULT_KEY_GROUPS = 128;

/**
 * The key group a key belongs to: murmur3's 32-bit finaliser over the key's UTF-16 code units
 * (numbers hashed by their decimal text), modulo the number of groups. Stable across processes
 * and Node versions, which is what restore needs.
 *
 * @example
 * const group = keyGroupOf("EURUSD", DEFAULT_KEY_GROUPS); // an integer in 0..127, the same in every process
 */
export function keyGroupOf(key: Key, keyGroups: number): number {
  return keyTextHash(typeof key === "string" ? key : String(key)) % keyGroups;
}

/**
 * The unsigned 32-bit hash {@link keyGroupOf} takes modulo the number of groups. Internal: the
 * window operator indexes restored keys by it, so a key's group comes with its index slot rather
 * than from a second hash.
 */
export function keyTextHash(text: string): number {
  let h = 0x9747b28c ^ text.length;
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
