import type { PublishablePackage } from "./publishable-packages.ts";
import { runPnpm } from "./run-command.ts";

/** A package packed as npm would publish it. */
export interface PackedPackage {
  readonly name: string;
  readonly tarball: string;
  readonly files: readonly string[];
}

interface PnpmPackResult {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/**
 * Packs the packages with `pnpm pack`, the way `pnpm publish` does: `publishConfig` overrides
 * applied (exports and types point at `dist/`), `workspace:` ranges replaced by versions.
 */
export async function packPackages(
  root: string,
  packages: readonly PublishablePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  const filters = packages.flatMap((p) => ["--filter", p.name]);
  const output = await runPnpm(root, ["-r", ...filters, "pack", "--pack-destination", destination, "--json"]);
  const results = JSON.parse(output) as PnpmPackResult[];
  const packed = results.map((r) => ({
    name: r.name,
    tarball: r.filename,
    files: r.files.map((f) => f.path),
  }));
  const missing = packages.filter((p) => !packed.some((r) => r.name === p.name));
  if (missing.length > 0) throw new Error(`pnpm pack produced no tarball for ${missing.map((p) => p.name)}`);
  return packed.sort((a, b) => a.name.localeCompare(b.name));
}
