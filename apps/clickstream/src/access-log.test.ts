import { expect, test } from "vitest";
import { parseCombinedLog } from "./access-log.ts";
import { logLineAt } from "./log-generator.ts";

test("parses an Apache combined-log line, time zone included", () => {
  const line =
    '219.134.32.117 - - [16/Feb/1998:09:38:20 -0800] "GET /wp-content HTTP/1.1" 200 4521 "-" "Mozilla/5.0 (compatible; MSIE 10.0; windows NT 6.1; Trident/5.1; .NET CLR 3.8.23015.5)"';
  expect(parseCombinedLog(line)).toEqual({
    ip: "219.134.32.117",
    time: Date.UTC(1998, 1, 16, 17, 38, 20),
    method: "GET",
    path: "/wp-content",
    status: 200,
    bytes: 4521,
    userAgent: "Mozilla/5.0 (compatible; MSIE 10.0; windows NT 6.1; Trident/5.1; .NET CLR 3.8.23015.5)",
  });
});

test("a malformed line is refused with the reason", () => {
  expect(() => parseCombinedLog("garbage")).toThrow(/not an Apache combined log line: "garbage"/);
  expect(() =>
    parseCombinedLog('1.2.3.4 - - [16/Foo/1998:09:38:20 -0800] "GET / HTTP/1.1" 200 1 "-" "x"'),
  ).toThrow(/unknown month "Foo"/);
});

test("the generator's lines parse, except the deliberate garbage (about 1%)", () => {
  let bad = 0;
  for (let i = 0; i < 5_000; i++) {
    try {
      const hit = parseCombinedLog(logLineAt(i, Date.UTC(2026, 10, 21), 50));
      expect(hit.time).toBe(Date.UTC(2026, 10, 21) + Math.floor((i * 50) / 1000) * 1000);
    } catch {
      bad++;
    }
  }
  expect(bad).toBeGreaterThan(20);
  expect(bad).toBeLessThan(100);
});
