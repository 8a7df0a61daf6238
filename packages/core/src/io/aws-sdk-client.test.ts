import { describe, expect, test } from "vitest";
import { isAwsSdkClient } from "./aws-sdk-client.ts";

const client = (config: object | undefined, destroy: unknown) => ({
  send: async () => ({}),
  destroy,
  config,
});
const destroy = () => {};

describe("isAwsSdkClient", () => {
  test("a client of the service is one, whatever its class (another SDK copy)", () => {
    class SecondCopyKinesisClient {
      readonly config = { serviceId: "Kinesis", region: async () => "us-east-1" };
      async send() {
        return {};
      }
      destroy() {}
    }
    expect(isAwsSdkClient(new SecondCopyKinesisClient(), "Kinesis", "k")).toBe(true);
    expect(isAwsSdkClient(client({ serviceId: "S3" }, destroy), "S3", "s")).toBe(true);
  });

  test("settings (no send) are not a client", () => {
    expect(isAwsSdkClient({ region: "eu-west-1", endpoint: "http://127.0.0.1:4567" }, "Kinesis", "k")).toBe(
      false,
    );
    expect(isAwsSdkClient(undefined, "Kinesis", "k")).toBe(false);
  });

  test("something with send that is not a whole client of the service is a clear error", () => {
    expect(() => isAwsSdkClient(client({ serviceId: "S3" }, destroy), "Kinesis", "kinesisSink(t)")).toThrow(
      'kinesisSink(t): client must be an AWS SDK v3 Kinesis client (send, destroy, config.serviceId "Kinesis"), but its config.serviceId is "S3"',
    );
    expect(() => isAwsSdkClient(client(undefined, destroy), "Kinesis", "k")).toThrow(
      /it has no config object/,
    );
    expect(() => isAwsSdkClient(client({ serviceId: "Kinesis" }, undefined), "Kinesis", "k")).toThrow(
      /it has no destroy\(\)/,
    );
  });
});
