import type { Job } from "@eddy/core";
import { type Runtime, resolveRuntime, type runtimeSettings } from "./runtime.ts";
import { readSettings, type Setting, type SettingValues } from "./settings.ts";

/**
 * The job an app's job module gives `eddy iam-policy`: settings read from the environment only
 * (the command's flags are not the app's), in `--mode aws` unless `EDDY_MODE` says otherwise, and
 * the job `build` makes of them. Built, never run.
 *
 * @example
 * export default () => jobFromEnvironment(FX_SETTINGS, fxPricingApp);
 */
export async function jobFromEnvironment<
  S extends ReturnType<typeof runtimeSettings> & Record<string, Setting<unknown>>,
>(settings: S, build: (values: SettingValues<S>, runtime: Runtime) => { readonly job: Job }): Promise<Job> {
  const values = readSettings(settings, [], { EDDY_MODE: "aws", ...process.env });
  return build(values, await resolveRuntime(values)).job;
}
