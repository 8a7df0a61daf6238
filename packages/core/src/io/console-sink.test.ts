import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { consoleSink } from "./console-sink.ts";

/** A writable that keeps what it gets; with `highWaterMark: 1` every write asks the writer to wait for drain. */
function capture(options: { slow?: boolean } = {}) {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: options.slow ? 1 : 16_384,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      if (options.slow) setImmediate(callback);
      else callback();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("consoleSink", () => {
  test("prints one line per record: strings as they are, other values as JSON", async () => {
    const out = capture();
    const sink = consoleSink<unknown>({ output: out.stream });
    await sink.write(["plain", { key: "a", value: 1 }, [1, 2], 5n], [0, 0, 0, 0]);
    expect(out.text()).toBe('plain\n{"key":"a","value":1}\n[1,2]\n5\n');
  });

  test("a format function gets the record and its timestamp", async () => {
    const out = capture();
    const sink = consoleSink<number>({ output: out.stream, format: (n, ts) => `${ts}: ${n * 2}` });
    await sink.write([1, 2], [100, 200]);
    expect(out.text()).toBe("100: 2\n200: 4\n");
  });

  test("waits for a full stream to drain", async () => {
    const out = capture({ slow: true });
    const sink = consoleSink<number>({ output: out.stream });
    const written = sink.write([1, 2, 3], [0, 0, 0]);
    expect(written).toBeInstanceOf(Promise);
    await written;
    expect(out.text()).toBe("1\n2\n3\n");
  });

  test("defaults to stdout and a name", () => {
    expect(consoleSink().name).toBe("console");
  });
});
