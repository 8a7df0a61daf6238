import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PackedPackage } from "./pack-packages.ts";
import { runCommand } from "./run-command.ts";

const FIXTURE = join(import.meta.dirname, "pack-consumer");

/**
 * Installs the tarballs into a fresh project outside the workspace (third-party dependencies come
 * from the npm registry, as for a user), type-checks `pack-consumer/main.ts` against the published
 * declarations, then runs it with Node. Resolves with what it printed and how long installing and
 * compiling took. Third-party declarations are not checked (`skipLibCheck`): checking the AWS SDK's
 * would triple the compile time, and attw already checks that Eddy's own declarations resolve.
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
    // --prefer-offline: packages already in npm's cache are not revalidated (the tarballs are local).
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
    const install = [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
    ];
    let step = performance.now();
    await runCommand("npm", install, { cwd: dir, env });
    const installed = performance.now() - step;
    // The workspace's TypeScript compiles the consumer; what it resolves is all in `dir`.
    step = performance.now();
    await runCommand(process.execPath, [join(root, "node_modules/typescript/lib/tsc.js"), "-p", dir], {
      cwd: dir,
    });
    const compiled = performance.now() - step;
    const printed = (
      await runCommand(process.execPath, [join(dir, "out/main.js")], { cwd: dir, env })
    ).trim();
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return `${printed} (npm install ${seconds(installed)}, tsc ${seconds(compiled)})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
