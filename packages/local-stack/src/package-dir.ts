import { createRequire } from "node:module";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);

/** The installed directory of a dependency of this package. */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}
