import { deserialize, serialize } from "node:v8";

/**
 * Turns values into bytes and back; used for checkpoint blobs (`PipelineOptions.serde`).
 *
 * @example
 * const jsonSerde: Serde<unknown> = {
 *   serialize: (value) => new TextEncoder().encode(JSON.stringify(value)),
 *   deserialize: (bytes) => JSON.parse(new TextDecoder().decode(bytes)),
 * };
 * const job = pipeline("fx-pricing", { serde: jsonSerde });
 */
export interface Serde<T> {
  /** The bytes of `value`. */
  serialize(value: T): Uint8Array;
  /** The value `bytes` encode (`serialize`'s inverse). */
  deserialize(bytes: Uint8Array): T;
}

/**
 * The default serde for state: Node's structured-clone format (`node:v8`). It handles Maps, Sets,
 * typed arrays, `undefined` and `-Infinity`, which JSON would lose. Other stores may bring faster
 * ones (e.g. MessagePack in `@eddy/state`).
 *
 * @example
 * const bytes = v8Serde.serialize(new Map([["EURUSD", 1.08]]));
 * const map = v8Serde.deserialize(bytes) as Map<string, number>;
 */
export const v8Serde: Serde<unknown> = {
  serialize: (value) => serialize(value),
  deserialize: (bytes) => deserialize(bytes),
};
