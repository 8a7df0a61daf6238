import type { ClusterRepartition } from "@eddy/core";
import { redisLeases } from "@eddy/state";

/**
 * The lease tables of a job's stages (`<job>/stage-<n>` in Redis), one per stage however often
 * the job asks, for a worker script's `cluster.repartition.stageLeases`; `close` closes them all.
 */
export function stageLeaseTables(
  url: string,
  job: string,
): { readonly stageLeases: ClusterRepartition["stageLeases"]; close(): Promise<void> } {
  const tables = new Map<number, ReturnType<typeof redisLeases>>();
  return {
    stageLeases(stage) {
      let table = tables.get(stage);
      if (!table) {
        table = redisLeases(url, { job: `${job}/stage-${stage}` });
        tables.set(stage, table);
      }
      return table;
    },
    async close() {
      for (const table of tables.values()) await table.close();
    },
  };
}
