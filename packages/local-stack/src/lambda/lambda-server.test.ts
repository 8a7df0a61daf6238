import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalLambda, startLocalLambda } from "./lambda-server.ts";

/** One Invoke call on the wire, as the SDK sends it (path-encoded name, JSON payload). */
async function invoke(
  lambda: LocalLambda,
  functionName: string,
  payload: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(
    `${lambda.endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
    { method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload },
  );
  return { status: response.status, headers: response.headers, body: await response.text() };
}

describe("the local Lambda's Invoke wire protocol", () => {
  let lambda: LocalLambda;
  beforeAll(async () => {
    lambda = await startLocalLambda({
      functions: {
        sum: (event) => (event as number[]).reduce((a, b) => a + b, 0),
        context: (_event, context) => ({ name: context.functionName, version: context.functionVersion }),
        fails: () => {
          throw new TypeError("no sum for you");
        },
        later: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return event;
        },
      },
    });
  });
  afterAll(() => lambda.stop());

  it("answers the handler's result as JSON with the executed version", async () => {
    const answer = await invoke(lambda, "sum", "[1, 2, 39]");
    expect(answer).toMatchObject({ status: 200, body: "42" });
    expect(answer.headers.get("x-amz-executed-version")).toBe("$LATEST");
    expect(answer.headers.get("x-amz-function-error")).toBeNull();
    expect((await invoke(lambda, "later", '{"a":[1]}')).body).toBe('{"a":[1]}');
  });

  it("finds a function by ARN or partial ARN, and passes qualifiers on", async () => {
    const byArn = await invoke(lambda, "arn:aws:lambda:eu-west-1:123456789012:function:context:live", "{}");
    expect(JSON.parse(byArn.body)).toEqual({ name: "context", version: "live" });
    expect(byArn.headers.get("x-amz-executed-version")).toBe("live");
    const partial = await invoke(lambda, "123456789012:function:context", "{}");
    expect(JSON.parse(partial.body)).toEqual({ name: "context", version: "$LATEST" });
  });

  it("reports a handler that throws as a function error", async () => {
    const answer = await invoke(lambda, "fails", "{}");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(JSON.parse(answer.body)).toEqual({
      errorType: "TypeError",
      errorMessage: "no sum for you",
      trace: [],
    });
    expect(lambda.invocations.at(-1)).toEqual({ functionName: "fails", event: {}, error: "no sum for you" });
  });

  it("answers 404 ResourceNotFoundException for an unknown function, 400 for a payload that is not JSON", async () => {
    const missing = await invoke(lambda, "nope", "{}");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    expect(JSON.parse(missing.body).message).toBe(
      "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
    );
    const garbled = await invoke(lambda, "sum", "{not json");
    expect(garbled.status).toBe(400);
    expect(garbled.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
  });

  it("refuses a payload over 6 MB with 413", async () => {
    const answer = await invoke(lambda, "sum", `"${"x".repeat(6 * 1024 * 1024)}"`);
    expect(answer.status).toBe(413);
    expect(answer.headers.get("x-amzn-errortype")).toBe("RequestTooLargeException");
  });

  it("answers Event invocations with 202 and DryRun with 204; functions can be added while it runs", async () => {
    const seen: unknown[] = [];
    lambda.register("record", (event) => {
      seen.push(event);
      return null;
    });
    expect((await invoke(lambda, "record", "[1]", { "x-amz-invocation-type": "DryRun" })).status).toBe(204);
    expect(seen).toEqual([]);
    expect((await invoke(lambda, "record", "[2]", { "x-amz-invocation-type": "Event" })).status).toBe(202);
    await expect.poll(() => seen).toEqual([[2]]);
    expect((await invoke(lambda, "record", "")).body).toBe("null");
  });
});
