import { runPnpm } from "./run-command.ts";

/** A workspace package that is published to npm (not `private`). */
export interface PublishablePackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}

interface WorkspaceProject {
  readonly name: string;
  readonly version?: string;
  readonly path: string;
  readonly private: boolean;
}

/** Every package of the workspace that is not private, as pnpm sees the workspace. */
export async function publishablePackages(root: string): Promise<PublishablePackage[]> {
  const projects = JSON.parse(
    await runPnpm(root, ["ls", "-r", "--depth", "-1", "--json"]),
  ) as WorkspaceProject[];
  return projects
    .filter((p) => !p.private)
    .map((p) => ({ name: p.name, version: p.version ?? "0.0.0", dir: p.path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
