import { describe, expect, test } from "vitest";
import { classifyError, isInvalidRequest } from "./errors.ts";

const named = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe("classifyError", () => {
  test.each([
    ["ProvisionedThroughputExceededException", "throttled"],
    ["LimitExceededException", "throttled"],
    ["KMSThrottlingException", "throttled"],
    ["ExpiredIteratorException", "expired-iterator"],
    ["ResourceInUseException", "in-use"],
    ["InternalFailure", "transient"],
    ["ResourceNotFoundException", "fatal"],
    ["AccessDeniedException", "fatal"],
    ["ValidationException", "fatal"],
  ])("%s is %s", (name, kind) => {
    expect(classifyError(named(name))).toBe(kind);
    expect(classifyError(name)).toBe(kind);
  });

  test("network codes and 5xx answers are transient", () => {
    expect(classifyError(named("Error", { code: "ECONNREFUSED" }))).toBe("transient");
    expect(classifyError(named("Weird", { $metadata: { httpStatusCode: 503 } }))).toBe("transient");
    expect(classifyError(named("Weird", { $metadata: { httpStatusCode: 400 } }))).toBe("fatal");
  });

  test("a request refused for what it holds is invalid (its records are then sent alone)", () => {
    expect(isInvalidRequest(named("ValidationException"))).toBe(true);
    expect(isInvalidRequest(named("InvalidArgumentException"))).toBe(true);
    expect(isInvalidRequest(named("ResourceNotFoundException"))).toBe(false);
    expect(isInvalidRequest(named("ProvisionedThroughputExceededException"))).toBe(false);
  });
});
