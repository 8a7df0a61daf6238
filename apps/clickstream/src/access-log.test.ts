import { expect, test } from "vitest";
import { parseCombinedLog } from "./access-log.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";

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

test("the generator's lines parse, except the deliberate malformed ones (about 0.4%)", () => {
  const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: 5 });
  const reasons = new Map<string, number>();
  let previous = Number.NEGATIVE_INFINITY;
  let disordered = 0;
  for (let i = 0; i < 20_000; i++) {
    try {
      const hit = parseCombinedLog(line(i));
      const expected = ACCESS_LOG_DEFAULTS.start + i * ACCESS_LOG_DEFAULTS.everyMs;
      expect(hit.time).toBeLessThanOrEqual(expected);
      expect(hit.time).toBeGreaterThan(expected - ACCESS_LOG_DEFAULTS.disorderMs - 1_000);
      if (hit.time < previous) disordered++;
      previous = hit.time;
    } catch (error) {
      const reason = String(error).replace(/:? ".*/, "");
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  const malformed = [...reasons.values()].reduce((a, b) => a + b, 0);
  expect(malformed).toBeGreaterThan(40);
  expect(malformed).toBeLessThan(130);
  expect([...reasons.keys()].sort()).toEqual([
    "SyntaxError: not an Apache combined log line",
    "SyntaxError: unknown month",
  ]);
  expect(disordered).toBeGreaterThan(100);
});

test("the generated traffic has a realistic shape: popular pages, a long tail, returning visitors, bursts of 5xx", () => {
  const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: 6 });
  const hits = Array.from({ length: 48_000 }, (_, i) => line(i)).flatMap((l) => {
    try {
      return [parseCombinedLog(l)];
    } catch {
      return [];
    }
  });
  const pages = new Map<string, number>();
  const visitors = new Map<string, number>();
  const errorsPerMinute = new Map<number, { requests: number; errors: number }>();
  for (const hit of hits) {
    pages.set(hit.path, (pages.get(hit.path) ?? 0) + 1);
    visitors.set(hit.ip, (visitors.get(hit.ip) ?? 0) + 1);
    const minute = Math.floor(hit.time / 60_000);
    const m = errorsPerMinute.get(minute) ?? { requests: 0, errors: 0 };
    m.requests++;
    if (hit.status >= 500) m.errors++;
    errorsPerMinute.set(minute, m);
  }
  const ranked = [...pages.values()].sort((a, b) => b - a);
  expect(ranked[0]! / hits.length).toBeGreaterThan(0.15); // "/"
  expect(pages.size).toBeGreaterThan(2_000); // the long tail
  expect(ranked.filter((n) => n === 1).length).toBeGreaterThan(1_000);
  expect(visitors.size).toBeLessThan(3_000);
  expect(median([...visitors.values()])).toBeGreaterThan(5); // visitors come back
  const rates = [...errorsPerMinute.values()].map((m) => m.errors / m.requests);
  expect(median(rates)).toBeLessThan(0.02);
  expect(Math.max(...rates)).toBeGreaterThan(0.15); // an incident
});

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
