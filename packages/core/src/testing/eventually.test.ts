import { describe, expect, test } from "vitest";
import { eventually } from "./eventually.ts";

describe("eventually", () => {
  test("resolves once the condition holds, checking again between waits", async () => {
    let checks = 0;
    await eventually(() => ++checks === 3, { what: "the third check", intervalMs: 1 });
    expect(checks).toBe(3);
  });

  test("takes an async condition", async () => {
    let checks = 0;
    await eventually(async () => ++checks >= 2, { what: "two checks", intervalMs: 1 });
    expect(checks).toBe(2);
  });

  test("times out naming what it waited for, with details asked for only then", async () => {
    let asked = 0;
    const details = () => `asked ${++asked} time`;
    await expect(
      eventually(() => false, { what: "a miracle", timeoutMs: 30, intervalMs: 5, details }),
    ).rejects.toThrow("timed out after 30 ms waiting for a miracle\nasked 1 time");
    expect(asked).toBe(1);
  });

  test("an error thrown by the condition rejects at once", async () => {
    let checks = 0;
    const condition = () => {
      checks++;
      throw new Error("cannot look");
    };
    await expect(eventually(condition, { what: "anything" })).rejects.toThrow("cannot look");
    expect(checks).toBe(1);
  });
});
