import type { SourceSplit } from "@eddy/core";
import type { S3Objects } from "./s3-objects.ts";

/**
 * Which keys under `prefix` the source reads: not "folder" placeholders (keys ending in `/`), and
 * with `skipHidden`, none with a path segment below `prefix` that starts with `_` or `.` (Hive's
 * and Athena's rule, which keeps `_SUCCESS`, `_errors/` and `.tmp` files out).
 */
export function isReadableKey(key: string, prefix: string, skipHidden: boolean): boolean {
  if (key.endsWith("/")) return false;
  if (!skipHidden) return true;
  return !key
    .slice(prefix.length)
    .split("/")
    .some((segment) => segment.startsWith("_") || segment.startsWith("."));
}

/**
 * One split per readable object under `prefix`, in S3's listing order, every page of it. The
 * split's id is the object's key; no parents (objects are independent) and no key groups (lines
 * are not partitioned by key, so keyed state cannot follow an object).
 */
export async function listObjectSplits(
  s3: S3Objects,
  prefix: string,
  skipHidden: boolean,
): Promise<SourceSplit[]> {
  const keys = await s3.listAll(prefix);
  return keys.filter((key) => isReadableKey(key, prefix, skipHidden)).map((key) => ({ id: key }));
}

/**
 * S3's key order: the bytes of the UTF-8 keys, which differs from JavaScript's UTF-16 string order
 * for characters beyond the Basic Multilingual Plane.
 */
export function byKeyOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
