import { deserialize, serialize } from "node:v8";

/** Turns values into bytes and back; used for checkpoint blobs. */
export interface Serde<T> {
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/**
 * The default serde for state: Node's structured-clone format (`node:v8`). It handles Maps, Sets,
 * typed arrays, `undefined` and `-Infinity`, which JSON would lose. Other stores may bring faster
 * ones (e.g. MessagePack in `@eddy/state`).
 */
export const v8Serde: Serde<unknown> = {
  serialize: (value) => serialize(value),
  deserialize: (bytes) => deserialize(bytes),
};
