import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PackedPackage } from "./pack-packages.ts";
import { runCommand } from "./run-command.ts";

const FIXTURE = join(import.meta.dirname, "pack-consumer");

/**
 * Installs the tarballs into a fresh project outside the workspace (third-party dependencies come
 * from the npm registry, as for a user), type-checks `pack-consumer/main.ts` against the published
 * declarations (`skipLibCheck: false`, so the declarations themselves are checked too), then runs
 * it with Node. Resolves with what it printed.
 */
export async function consumePackedPackages(root: string, packed: readonly PackedPackage[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eddy-consumer-"));
  try {
    const rootManifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const manifest = {
      name: "eddy-pack-consumer",
      private: true,
      type: "module",
      dependencies: Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`])),
      devDependencies: { "@types/node": rootManifest.devDependencies["@types/node"] },
    };
    await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await copyFile(join(FIXTURE, "main.ts"), join(dir, "main.ts"));
    await copyFile(join(FIXTURE, "tsconfig.json"), join(dir, "tsconfig.json"));

    // npm, not pnpm: the most common client, and nothing of the workspace's settings leaks in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    await runCommand("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], {
      cwd: dir,
      env,
    });
    // The workspace's TypeScript compiles the consumer; what it resolves is all in `dir`.
    await runCommand(process.execPath, [join(root, "node_modules/typescript/lib/tsc.js"), "-p", dir], {
      cwd: dir,
    });
    return (await runCommand(process.execPath, [join(dir, "out/main.js")], { cwd: dir, env })).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
