// Checks every publishable package as a user receives it: packs each with pnpm (publishConfig
// applied), runs publint and attw on the tarballs, then installs them into a fresh project outside
// the workspace, type-checks it and runs a pipeline. Run after `npm run build`; part of `check`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { consumePackedPackages } from "./consume-packed-packages.ts";
import { lintPackedPackages } from "./lint-packed-packages.ts";
import { packPackages } from "./pack-packages.ts";
import { publishablePackages } from "./publishable-packages.ts";

const root = resolve(import.meta.dirname, "..");
const started = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const work = await mkdtemp(join(tmpdir(), "eddy-pack-"));
try {
  const packages = await publishablePackages(root);
  let step = performance.now();
  const packed = await packPackages(root, packages, work);
  console.log(
    `packed ${packed.length} packages in ${seconds(step)}: ${packed.map((p) => p.name).join(", ")}`,
  );

  // The lint is CPU-bound and the consumer's install mostly waits on the network: run them together.
  step = performance.now();
  const linting = lintPackedPackages(root, packed).then((lint) => ({ lint, took: seconds(step) }));
  const consuming = consumePackedPackages(root, packed).then(
    (printed) => ({ printed, took: seconds(step) }),
    (error: unknown) => ({ error, took: seconds(step) }),
  );
  const { lint, took } = await linting;
  for (const r of lint) console.log(`  ${r.problems.length === 0 ? "ok  " : "FAIL"} ${r.name}`);
  console.log(`publint + attw in ${took}`);
  const failed = lint.filter((r) => r.problems.length > 0);
  for (const r of failed) console.error(`\n${r.name}:\n${r.problems.join("\n")}`);

  const consumer = await consuming;
  if ("error" in consumer) {
    console.error(`\nfresh consumer failed after ${consumer.took}:`, consumer.error);
    process.exitCode = 1;
  } else {
    console.log(`fresh consumer (npm install, tsc, node) in ${consumer.took}: ${consumer.printed}`);
  }
  if (failed.length > 0) process.exitCode = 1;
  console.log(`verify-packages ${process.exitCode ? "FAILED" : "passed"} in ${seconds(started)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
