import { inspect, isDeepStrictEqual } from "node:util";
import { ContractViolation } from "./contract-case.ts";

// The assertions the contract kits share: plain functions throwing ContractViolation, so the kits
// need no test framework.

/** Fails the case with `message`. */
export function violation(message: string): never {
  throw new ContractViolation(message);
}

/** Fails the case with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) violation(typeof message === "string" ? message : message());
}

/** A value as a person reads it in a message: one line, long lists cut short. */
export function show(value: unknown): string {
  return inspect(value, {
    depth: 6,
    breakLength: Number.POSITIVE_INFINITY,
    compact: true,
    maxArrayLength: 12,
    maxStringLength: 200,
  });
}

/** A value as a key: equal for deeply equal values, whatever the order of their properties. */
export function canonical(value: unknown): string {
  return inspect(value, {
    depth: Number.POSITIVE_INFINITY,
    sorted: true,
    compact: true,
    breakLength: Number.POSITIVE_INFINITY,
    maxArrayLength: Number.POSITIVE_INFINITY,
    maxStringLength: Number.POSITIVE_INFINITY,
  });
}

/** Deep equality of two JSON values, as stored: properties that are `undefined` count as absent. */
export function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asJson(a), asJson(b));
}

function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** What `actual` lacks of `expected` and has beyond it, counting repeats (multisets). */
export function difference<T>(expected: readonly T[], actual: readonly T[]): { missing: T[]; extra: T[] } {
  const counts = new Map<string, number>();
  for (const value of expected) counts.set(canonical(value), (counts.get(canonical(value)) ?? 0) + 1);
  const extra: T[] = [];
  for (const value of actual) {
    const key = canonical(value);
    const left = counts.get(key) ?? 0;
    if (left === 0) extra.push(value);
    else counts.set(key, left - 1);
  }
  const missing = expected.filter((value) => {
    const key = canonical(value);
    const left = counts.get(key) ?? 0;
    if (left === 0) return false;
    counts.set(key, left - 1);
    return true;
  });
  return { missing, extra };
}

/** "2 missing: […]; 1 more than expected: […]", for the parts that are not empty. */
export function describeDifference(missing: readonly unknown[], extra: readonly unknown[]): string {
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`${missing.length} missing: ${show(missing)}`);
  if (extra.length > 0) parts.push(`${extra.length} more than expected: ${show(extra)}`);
  return parts.join("; ");
}

/** The first index at which two sequences differ, with both sides, or `undefined` if equal. */
export function firstDifference(
  expected: readonly unknown[],
  actual: readonly unknown[],
): string | undefined {
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    if (i >= actual.length) return `it ends after ${actual.length} records, ${expected.length - i} short`;
    if (i >= expected.length)
      return `it has ${actual.length - i} records more than expected, from ${show(actual[i])}`;
    if (canonical(expected[i]) !== canonical(actual[i])) {
      return `record ${i} is ${show(actual[i])} where ${show(expected[i])} was expected`;
    }
  }
  return undefined;
}

/** `promise`, or a violation naming `what` (then `more`) once `ms` of real time have passed. */
export function within<T>(promise: Promise<T>, ms: number, what: string, more = ""): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const message = `${what} did not settle within ${ms} ms${more && ` ${more}`}`;
    timer = setTimeout(() => reject(new ContractViolation(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `cleanUp`, ignoring what it throws or rejects with. */
export async function quietly(cleanUp: () => unknown): Promise<void> {
  try {
    await cleanUp();
  } catch {
    // Cleaning up after a case: its outcome is already decided.
  }
}

/** The error `promise` rejects with; a violation saying `what` if it resolves. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return violation(`${what} resolved; it should have rejected`);
}

/**
 * A case body that gets a subject opened for it: `open()` before, then `close(subject)` — or the
 * subject's own `close()` — after, whether the body passed or not.
 */
export function withOpened<TSubject extends { close?(): unknown }>(
  open: () => TSubject | Promise<TSubject>,
  close: ((subject: TSubject) => unknown) | undefined,
): (body: (subject: TSubject) => Promise<void>) => () => Promise<void> {
  return (body) => async () => {
    const subject = await open();
    try {
      await body(subject);
    } finally {
      await (close ? close(subject) : subject.close?.());
    }
  };
}
