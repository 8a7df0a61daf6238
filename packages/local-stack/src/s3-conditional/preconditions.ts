import type { ObjectWrite } from "./write-request.ts";

/** An S3 error as the service answers it: status, code, message and the element it names. */
export interface S3ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Extra elements of the error document, e.g. `{ Condition: "If-Match" }`. */
  readonly details: Readonly<Record<string, string>>;
}

/**
 * What S3 answers a conditional `PutObject` whose object currently has `etag` (`undefined`: no
 * object), or `undefined` when the write may go ahead. As documented for S3 (and observed on S3):
 * - `If-None-Match: *` fails with 412 `PreconditionFailed` (`Condition` If-None-Match) when the
 *   key exists; S3 takes no other value of it (answered here with 501 `NotImplemented`);
 * - `If-Match: <etag>` fails with 404 `NoSuchKey` when the key does not exist, and with 412
 *   (`Condition` If-Match) when the ETags differ; ETags compare with or without their quotes;
 * - with both, `If-Match` is evaluated first (RFC 7232, section 6).
 */
export function preconditionFailure(write: ObjectWrite, etag: string | undefined): S3ErrorAnswer | undefined {
  const key = write.keys[0] ?? "";
  if (write.ifMatch !== undefined) {
    if (etag === undefined) return noSuchKey(key);
    const wanted = write.ifMatch.trim();
    if (wanted !== "*" && unquoted(wanted) !== unquoted(etag)) return preconditionFailed("If-Match");
  }
  if (write.ifNoneMatch !== undefined) {
    if (write.ifNoneMatch.trim() !== "*") return notImplemented("If-None-Match");
    if (etag !== undefined) return preconditionFailed("If-None-Match");
  }
  return undefined;
}

/** 409: another write of the key is under way (S3: "a conflicting operation occurred"). */
export function conditionalRequestConflict(): S3ErrorAnswer {
  return {
    status: 409,
    code: "ConditionalRequestConflict",
    message: "A conflicting conditional operation is currently in progress against this resource. Try again.",
    details: {},
  };
}

/** 501 for a header this stand-in (or S3) does not act on: refused, never silently ignored. */
export function notImplemented(header: string): S3ErrorAnswer {
  return {
    status: 501,
    code: "NotImplemented",
    message: "A header you provided implies functionality that is not implemented",
    details: { Header: header },
  };
}

function preconditionFailed(condition: string): S3ErrorAnswer {
  return {
    status: 412,
    code: "PreconditionFailed",
    message: "At least one of the pre-conditions you specified did not hold",
    details: { Condition: condition },
  };
}

function noSuchKey(key: string): S3ErrorAnswer {
  return {
    status: 404,
    code: "NoSuchKey",
    message: "The specified key does not exist.",
    details: { Key: key },
  };
}

function unquoted(etag: string): string {
  return etag.replace(/^"/, "").replace(/"$/, "");
}

/** The error document S3 sends (`application/xml`). */
export function errorDocument(error: S3ErrorAnswer, requestId: string): string {
  const element = (name: string, text: string) => `<${name}>${escapeXml(text)}</${name}>`;
  const details = Object.entries(error.details).map(([name, text]) => element(name, text));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${[
    element("Code", error.code),
    element("Message", error.message),
    ...details,
    element("RequestId", requestId),
  ].join("")}</Error>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
