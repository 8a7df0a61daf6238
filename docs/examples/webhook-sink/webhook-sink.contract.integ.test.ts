import { sinkContract } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { type Order, startTestWebhook, type TestWebhook } from "./test-webhook.ts";
import { webhookSink } from "./webhook-sink.ts";

/** The endpoints the cases posted to, one each. */
const webhooks: TestWebhook[] = [];

describe("webhookSink keeps the Sink contract", () => {
  const cases = sinkContract<Order>({
    guarantee: "at-least-once",
    destination: async () => {
      const webhook = await startTestWebhook({ failEvery: 3 });
      webhooks.push(webhook);
      return {
        sink: () =>
          webhookSink<Order>({
            url: webhook.url,
            maxBatchSize: 4,
            maxTimeInBufferMS: 20,
            retry: { initialBackoffMS: 1, maxBackoffMS: 20 },
          }),
        readBack: () => [...webhook.received],
        remove: () => webhook.close(),
      };
    },
    record: (i) => ({ id: `o${i}`, amount: i * 10 }),
    badRecord: { id: "refused", amount: -1 },
  });
  for (const c of cases) test(c.name, c.run);

  test("the cases met throttling and refusals: 503s were retried, 422s split", () => {
    const statuses = webhooks.flatMap((w) => w.statuses);
    expect(statuses).toContain(503);
    expect(statuses).toContain(422);
  });
});
