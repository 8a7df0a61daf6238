import type { CliIo } from "../cli-io.ts";
import { runEddy } from "../run-eddy.ts";

/** What one run of `eddy` printed and its exit code. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `eddy argv` in this process with `env`, capturing what it prints. */
export async function eddy(argv: readonly string[], env: CliIo["env"] = {}): Promise<Captured> {
  let out = "";
  let err = "";
  const code = await runEddy(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env,
  });
  return { code, out, err };
}
