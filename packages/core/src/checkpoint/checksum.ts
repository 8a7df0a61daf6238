import { createHash } from "node:crypto";

/** sha256 of `bytes`, hex: how blobs are verified before they are restored. */
export function checksumOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
