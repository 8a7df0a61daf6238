import type { IncomingHttpHeaders } from "node:http";

/** S3 operations that change what an object key holds. */
export type WriteOperation =
  | "PutObject"
  | "CopyObject"
  | "DeleteObject"
  | "CompleteMultipartUpload"
  | "DeleteObjects";

/** A request that writes or deletes objects, with the preconditions it carries. */
export interface ObjectWrite {
  readonly operation: WriteOperation;
  readonly bucket: string;
  /** The object keys it writes; empty for `DeleteObjects` until its body is read ({@link keysToDelete}). */
  readonly keys: readonly string[];
  /** `If-Match`: write only over the object with this ETag. */
  readonly ifMatch: string | undefined;
  /** `If-None-Match`: S3 takes only `*`, write only where no object exists. */
  readonly ifNoneMatch: string | undefined;
}

/** Query parameters that leave a request a plain object write (the SDK adds `x-id`). */
const PLAIN = new Set(["x-id"]);

/**
 * The object write a path-style request makes, or `undefined` for one that changes no object's
 * content: reads, listings, bucket operations, part uploads (their object appears only when the
 * upload completes) and sub-resources such as tagging or ACLs.
 */
export function objectWriteOf(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
): ObjectWrite | undefined {
  const parsed = new URL(url, "http://stand-in");
  const [bucketPart = "", ...keyParts] = parsed.pathname.slice(1).split("/");
  const bucket = decodeURIComponent(bucketPart);
  const key = decodeURIComponent(keyParts.join("/"));
  const params = [...parsed.searchParams.keys()];
  const plain = params.every((name) => PLAIN.has(name));
  const conditions = {
    ifMatch: single(headers["if-match"]),
    ifNoneMatch: single(headers["if-none-match"]),
  };
  if (bucket === "") return undefined;
  if (keyParts.length === 0 || key === "") {
    if (method === "POST" && parsed.searchParams.has("delete")) {
      return { operation: "DeleteObjects", bucket, keys: [], ...conditions };
    }
    return undefined;
  }
  const write = (operation: WriteOperation): ObjectWrite => ({
    operation,
    bucket,
    keys: [key],
    ...conditions,
  });
  if (method === "PUT" && plain) return write(headers["x-amz-copy-source"] ? "CopyObject" : "PutObject");
  if (method === "DELETE" && plain) return write("DeleteObject");
  if (method === "POST" && parsed.searchParams.has("uploadId")) return write("CompleteMultipartUpload");
  return undefined;
}

/**
 * The object a path-style `GET` or `HEAD` reads, as `bucket/key`, or `undefined` for listings,
 * bucket and sub-resource requests.
 */
export function objectReadOf(method: string, url: string): string | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  const parsed = new URL(url, "http://stand-in");
  const [bucketPart = "", ...keyParts] = parsed.pathname.slice(1).split("/");
  const key = decodeURIComponent(keyParts.join("/"));
  if (bucketPart === "" || key === "" || ![...parsed.searchParams.keys()].every((name) => PLAIN.has(name))) {
    return undefined;
  }
  return `${decodeURIComponent(bucketPart)}/${key}`;
}

/**
 * The keys a `DeleteObjects` body names, and whether any entry carries an `ETag` (a conditional
 * delete).
 */
export function keysToDelete(body: string): { keys: string[]; conditional: boolean } {
  const keys = [...body.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((match) => xmlText(match[1]!));
  return { keys, conditional: /<ETag>/.test(body) };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character data with its entity and character references resolved. */
function xmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}
