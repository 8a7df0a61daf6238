import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hotspots } from "./hotspots.ts";
import { SeededRandom } from "./seeded-random.ts";
import { Collector, column, literals, restoredThroughCheckpoint } from "./table-test-support.ts";

const XY = [column("x", "DOUBLE"), column("y", "DOUBLE"), column("is_hot", "VARCHAR", 4)];

interface Found {
  density: number;
  minValues: number[];
  maxValues: number[];
}

function resultOf(out: Collector, index = -1): Found[] {
  return (JSON.parse(out.rows.at(index)!.row.HOTSPOTS_RESULT as string) as { hotspots: Found[] }).hotspots;
}

/**
 * AWS's generator from the HOTSPOTS example (developer guide, "Write Sample Records"): x and y uniform
 * on [0, 10), except that with probability 0.2 a point is drawn from a 1 × 1 square placed at random,
 * which moves every 1000 points. Seeded here instead of Python's `random()`.
 */
function awsExamplePoints(
  count: number,
  seed: number,
): { x: number; y: number; is_hot: string; square: [number, number] }[] {
  const random = new SeededRandom(seed);
  let square: [number, number] = [0, 0];
  return Array.from({ length: count }, (_, i) => {
    if (i % 1000 === 0) square = [random.next() * 9, random.next() * 9];
    if (random.next() < 0.2) {
      return { x: square[0] + random.next(), y: square[1] + random.next(), is_hot: "Y", square };
    }
    return { x: random.next() * 10, y: random.next() * 10, is_hot: "N", square };
  });
}

/** DBSCAN the textbook way (all pairs), for comparison. */
function naiveHotspots(points: number[][], radius: number, minPoints: number): Found[] {
  const near = (a: number[], b: number[]): boolean =>
    a.reduce((s, v, d) => s + (v - b[d]!) ** 2, 0) <= radius * radius;
  const neighbours = points.map((p, i) => points.flatMap((q, j) => (i !== j && near(p, q) ? [j] : [])));
  const core = neighbours.map((n) => n.length + 1 >= minPoints);
  const label = points.map(() => -1);
  const found: Found[] = [];
  points.forEach((_, seed) => {
    if (label[seed] !== -1 || !core[seed]) return;
    const members: number[] = [];
    const queue = [seed];
    label[seed] = found.length;
    while (queue.length > 0) {
      const i = queue.shift()!;
      members.push(i);
      if (!core[i]) continue;
      for (const j of neighbours[i]!) {
        if (label[j] !== -1) continue;
        label[j] = found.length;
        queue.push(j);
      }
    }
    const dims = points[0]!.length;
    const minValues = Array.from({ length: dims }, (_, d) => Math.min(...members.map((i) => points[i]![d]!)));
    const maxValues = Array.from({ length: dims }, (_, d) => Math.max(...members.map((i) => points[i]![d]!)));
    const volume = minValues.reduce((v, lo, d) => v * Math.max(maxValues[d]! - lo, radius), 1);
    found.push({ density: members.length / volume, minValues, maxValues });
  });
  return found
    .map((h, order) => ({ h, order }))
    .sort((a, b) => b.h.density - a.h.density || a.order - b.order)
    .map((f) => f.h);
}

describe("HOTSPOTS", () => {
  it("adds HOTSPOTS_RESULT to every row, passing the cursor's columns through", () => {
    const fn = hotspots();
    expect(fn.outputColumns(XY, literals(100, 0.5, 3)).map((c) => c.name)).toEqual([
      "x",
      "y",
      "is_hot",
      "HOTSPOTS_RESULT",
    ]);
    const out = new Collector();
    fn.create(XY, literals(100, 0.5, 3)).push({ x: 1, y: 2, is_hot: "N" }, 7, out.emit);
    expect(out.rows).toEqual([
      { rowtime: 7, row: { x: 1, y: 2, is_hot: "N", HOTSPOTS_RESULT: '{"hotspots":[]}' } },
    ]);
  });

  it("reports planted clusters with their boxes and densities (worked by hand)", () => {
    const out = new Collector();
    const instance = hotspots().create(XY, literals(100, 0.2, 3));
    const points = [
      [0, 0],
      [5, 5],
      [0.1, 0],
      [9, 1],
      [5.1, 5.05],
      [0, 0.1],
      [0.1, 0.1],
      [5.05, 5.15],
      [0.05, 0.05],
      [2, 8],
    ];
    for (const [i, [x, y]] of points.entries()) instance.push({ x: x!, y: y!, is_hot: "?" }, i, out.emit);
    // Cluster A: 5 points in [0, 0.1]², sides floored at the radius: 5 / (0.2 · 0.2) = 125.
    // Cluster B: 3 points in [5, 5.1] × [5, 5.15]: 3 / (0.2 · 0.2) = 75. Lone points are no hotspot.
    expect(resultOf(out)).toEqual([
      { density: 5 / (0.2 * 0.2), minValues: [0, 0], maxValues: [0.1, 0.1] },
      { density: 3 / (0.2 * 0.2), minValues: [5, 5], maxValues: [5.1, 5.15] },
    ]);
    // After four points no three lay within 0.2 of one another.
    expect(resultOf(out, 3)).toEqual([]);
  });

  it("finds AWS's example hotspot (density ≥ 40, the example viewer's filter) and nothing else", () => {
    const points = awsExamplePoints(1_000, 2024);
    const out = new Collector();
    const instance = hotspots().create(XY, literals(1_000, 0.2, 17));
    for (const [i, { x, y, is_hot }] of points.entries()) instance.push({ x, y, is_hot }, i, out.emit);
    const dense = resultOf(out).filter((h) => h.density >= 40);
    expect(dense).toHaveLength(1);
    const [sx, sy] = points[0]!.square;
    const box = dense[0]!;
    // The box covers the planted square (less a sliver at its edges) and little more.
    expect(box.minValues[0]!).toBeGreaterThan(sx - 0.25);
    expect(box.minValues[0]!).toBeLessThan(sx + 0.1);
    expect(box.minValues[1]!).toBeGreaterThan(sy - 0.25);
    expect(box.minValues[1]!).toBeLessThan(sy + 0.1);
    expect(box.maxValues[0]!).toBeGreaterThan(sx + 0.9);
    expect(box.maxValues[0]!).toBeLessThan(sx + 1.25);
    expect(box.maxValues[1]!).toBeGreaterThan(sy + 0.9);
    expect(box.maxValues[1]!).toBeLessThan(sy + 1.25);
    expect(box.density).toBeGreaterThan(100);
    expect(box.density).toBeLessThan(260);
  });

  it("follows the hotspot when it moves, as the window slides", () => {
    const points = awsExamplePoints(2_000, 99);
    const out = new Collector();
    const instance = hotspots().create(XY, literals(1_000, 0.2, 17));
    for (const [i, { x, y, is_hot }] of points.entries()) instance.push({ x, y, is_hot }, i, out.emit);
    const [sx, sy] = points[1_999]!.square;
    const dense = resultOf(out).filter((h) => h.density >= 40);
    expect(dense).toHaveLength(1);
    expect(Math.abs(dense[0]!.minValues[0]! - sx)).toBeLessThan(0.25);
    expect(Math.abs(dense[0]!.minValues[1]! - sy)).toBeLessThan(0.25);
  });

  it("finds no hotspot in uniform noise", () => {
    const random = new SeededRandom(5);
    const out = new Collector();
    const instance = hotspots().create(XY, literals(1_000, 0.2, 17));
    for (let i = 0; i < 3_000; i++)
      instance.push({ x: random.next() * 10, y: random.next() * 10, is_hot: "N" }, i, out.emit);
    expect(out.rows.every((r) => r.row.HOTSPOTS_RESULT === '{"hotspots":[]}')).toBe(true);
  });

  it("equals a textbook DBSCAN over the window, for any points (ties and duplicates included)", () => {
    const coordinate = fc.integer({ min: 0, max: 12 }).map((v) => v / 4);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(coordinate, coordinate, coordinate), { minLength: 1, maxLength: 260 }),
        fc.constantFrom(0.25, 0.5, 1),
        fc.integer({ min: 2, max: 6 }),
        (points, radius, minPoints) => {
          const input = [column("A", "DOUBLE"), column("B", "INTEGER"), column("C", "REAL")];
          const instance = hotspots().create(input, literals(100, radius, minPoints));
          const out = new Collector();
          for (const [i, [a, b, c]] of points.entries()) instance.push({ A: a, B: b, C: c }, i, out.emit);
          expect(resultOf(out)).toEqual(naiveHotspots(points.slice(-100), radius, minPoints));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("restored from a checkpoint, reports exactly as an uninterrupted run", () => {
    const points = awsExamplePoints(1_500, 7);
    const fn = hotspots();
    const args = literals(300, 0.3, 8);
    const whole = new Collector();
    const parts = new Collector();
    const uninterrupted = fn.create(XY, args);
    let running = fn.create(XY, args);
    points.forEach(({ x, y, is_hot }, i) => {
      uninterrupted.push({ x, y, is_hot }, i, whole.emit);
      if (i === 1_111) running = restoredThroughCheckpoint(running, fn.create(XY, args));
      running.push({ x, y, is_hot }, i, parts.emit);
    });
    expect(parts.rows).toEqual(whole.rows);
  });

  it("passes a row with a NULL coordinate through with a NULL result, outside the window", () => {
    const out = new Collector();
    const instance = hotspots().create(XY, literals(100, 0.5, 2));
    instance.push({ x: 1, y: 1, is_hot: "Y" }, 0, out.emit);
    instance.push({ x: null, y: 1, is_hot: "Y" }, 1, out.emit);
    instance.push({ x: 1.1, y: 1, is_hot: "Y" }, 2, out.emit);
    expect(out.column("HOTSPOTS_RESULT")).toEqual([
      '{"hotspots":[]}',
      null,
      JSON.stringify({ hotspots: [{ density: 2 / (0.5 * 0.5), minValues: [1, 1], maxValues: [1.1, 1] }] }),
    ]);
  });

  it("refuses parameters outside their documented ranges, naming them", () => {
    const refuse = (args: ReturnType<typeof literals>, message: RegExp): void => {
      expect(() => hotspots().outputColumns(XY, args)).toThrow(message);
    };
    refuse(literals(99, 0.2, 17), /HOTSPOTS windowSize must be from 100 to 1,000, got 99/);
    refuse(literals(1001, 0.2, 17), /windowSize must be from 100 to 1,000, got 1001/);
    refuse(literals(100, 0, 17), /scanRadius must be greater than 0, got 0/);
    refuse(literals(100, -1, 17), /scanRadius must be greater than 0, got -1/);
    refuse(literals(100, 0.2, 1), /minimumNumberOfPointsInAHotspot must be from 2 to 100, got 1/);
    refuse(literals(100, 0.2, 101), /minimumNumberOfPointsInAHotspot must be from 2 to 100, got 101/);
    refuse(literals(100, 0.2), /needs the minimumNumberOfPointsInAHotspot argument/);
    expect(() => hotspots().outputColumns([column("P", "DECIMAL")], literals(100, 0.2, 3))).toThrow(
      /Use DOUBLE instead/,
    );
  });
});
