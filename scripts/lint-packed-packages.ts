import { readFile } from "node:fs/promises";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import type { PackedPackage } from "./pack-packages.ts";
import { runCommand } from "./run-command.ts";

/**
 * attw's `esm-only` profile: the packages are ESM only ("type": "module", no `require` condition),
 * so the two CommonJS resolutions (`node10`, `node16` from CJS) are expected to find ESM and are not
 * checked. Everything an ESM consumer uses is: `node16` from ESM (Node's own resolution, as
 * `moduleResolution: nodenext` type-checks it) and `bundler`.
 */
const ATTW_PROFILE = "esm-only";

/** What was wrong with one packed package; empty when publint and attw both pass. */
export interface PackageLintResult {
  readonly name: string;
  readonly problems: readonly string[];
}

/** Runs publint (strict: warnings fail) and attw on each tarball, two at a time. */
export async function lintPackedPackages(
  root: string,
  packed: readonly PackedPackage[],
): Promise<PackageLintResult[]> {
  const results: PackageLintResult[] = [];
  const queue = [...packed];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [lint, types] = await Promise.all([publintProblems(next), attwProblems(root, next)]);
      results.push({ name: next.name, problems: [...lint, ...types] });
    }
  };
  await Promise.all([worker(), worker()]);
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

async function publintProblems(packed: PackedPackage): Promise<string[]> {
  const bytes = await readFile(packed.tarball);
  const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball }, level: "suggestion", strict: true });
  return messages.map((m) => `publint ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`);
}

async function attwProblems(root: string, packed: PackedPackage): Promise<string[]> {
  const attw = `${root}/node_modules/.bin/attw`;
  try {
    await runCommand(attw, ["--profile", ATTW_PROFILE, "--format", "ascii", "--no-color", packed.tarball], {
      cwd: root,
    });
    return [];
  } catch (error) {
    return [`attw (--profile ${ATTW_PROFILE}): ${(error as Error).message}`];
  }
}
