import { createHash } from "node:crypto";

/**
 * sha256 of `bytes`, hex: how blobs are verified before they are restored.
 *
 * @example
 * checksumOf(new TextEncoder().encode("abc")); // "ba7816bf8f01cfea…"
 */
export function checksumOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
