import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { tempTrees } from "./test-support/temp-trees.ts";

// The check as CI runs it (a child process and its exit code), on small workspaces on disk.
const CHECK = join(dirname(fileURLToPath(import.meta.url)), "..", "check-folder-cycles.ts");
const { tree, removeAll } = tempTrees();
afterEach(removeAll);

describe("check-folder-cycles", () => {
  const workspace = (extra: Record<string, string>) =>
    tree({
      "pnpm-workspace.yaml": 'packages:\n  - packages/*\n  - "apps/*"\nallowBuilds:\n  esbuild: true\n',
      "packages/core/package.json": "{}",
      "packages/core/src/dsl/stream.ts": 'import "../runtime/operator.ts";\n',
      "packages/core/src/runtime/operator.ts": "export {};\n",
      "apps/demo/package.json": "{}",
      "apps/demo/src/main.ts": "export {};\n",
      ...extra,
    });
  const run = (root: string) =>
    spawnSync(process.execPath, ["--import", "tsx", CHECK, root], { encoding: "utf8" });

  it("passes a workspace without cycles", () => {
    const result = run(workspace({}));
    expect(result.stdout).toContain("No import cycles between source folders (2 packages).");
    expect(result.status).toBe(0);
  });

  it("fails, naming the package and the import, when a cycle is introduced in an app", () => {
    const result = run(
      workspace({
        "apps/demo/src/jobs/job.ts": 'import "../sinks/sink.ts";\n',
        "apps/demo/src/sinks/sink.ts": 'import "../jobs/job.ts";\n',
      }),
    );
    expect(result.stdout).toContain("apps/demo/src: folders import each other: jobs <-> sinks");
    expect(result.stdout).toContain('sinks -> jobs: sinks/sink.ts:1 imports "../jobs/job.ts"');
    expect(result.status).toBe(1);
  });
});
