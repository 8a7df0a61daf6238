import { afterEach, describe, expect, it } from "vitest";
import { folderCycles } from "./cycles.ts";
import { readFolderGraph } from "./import-graph.ts";
import { tempTrees } from "./test-support/temp-trees.ts";

const { tree, removeAll } = tempTrees();
afterEach(removeAll);

describe("folderCycles", () => {
  it("finds two folders that import each other, with the lines that do", () => {
    const src = tree({
      "runtime/operator.ts": 'import type { Tag } from "../dsl/tag.ts";\nexport type Op = Tag;\n',
      "dsl/tag.ts": "export class Tag {}\n",
      "dsl/stream.ts":
        '// a stream\nimport type { Op } from "../runtime/operator.ts";\nexport type S = Op;\n',
    });
    const cycles = folderCycles(readFolderGraph(src));
    expect(cycles).toEqual([
      {
        folders: ["dsl", "runtime"],
        path: [
          {
            from: "dsl",
            to: "runtime",
            site: { file: "dsl/stream.ts", line: 2, specifier: "../runtime/operator.ts" },
          },
          {
            from: "runtime",
            to: "dsl",
            site: { file: "runtime/operator.ts", line: 1, specifier: "../dsl/tag.ts" },
          },
        ],
      },
    ]);
  });

  it("follows re-exports, dynamic imports and nested folders round a three-folder cycle", () => {
    const src = tree({
      "a/index.ts": 'export * from "../b/deep/x.ts";\n',
      "b/deep/x.ts": 'export const load = () => import("../../c/y.ts");\n',
      "c/y.ts": 'export { z } from "../a/z.ts";\n',
      "a/z.ts": "export const z = 1;\n",
      "d/lonely.ts": 'import "../a/z.ts";\n',
    });
    const [cycle, ...others] = folderCycles(readFolderGraph(src));
    expect(others).toEqual([]);
    expect(cycle?.folders).toEqual(["a", "b", "c"]);
    expect(cycle?.path.map((step) => `${step.from}>${step.to}`)).toEqual(["a>b", "b>c", "c>a"]);
  });

  it("leaves out tests, type tests, benchmarks and test-support folders", () => {
    const src = tree({
      "dsl/stream.ts": 'import "../runtime/operator.ts";\n',
      "runtime/operator.ts": "export {};\n",
      "runtime/operator.test.ts": 'import "../dsl/stream.ts";\n',
      "runtime/operator.test-d.ts": 'import "../dsl/stream.ts";\n',
      "runtime/operator.integ.test.ts": 'import "../dsl/stream.ts";\n',
      "runtime/operator.bench.ts": 'import "../dsl/stream.ts";\n',
      "runtime/test-support/build.ts": 'import "../../dsl/stream.ts";\n',
      "index.ts": 'export * from "./dsl/stream.ts";\nexport * from "./runtime/operator.ts";\n',
    });
    expect(folderCycles(readFolderGraph(src))).toEqual([]);
  });
});
