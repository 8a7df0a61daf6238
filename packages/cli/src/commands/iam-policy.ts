import { iamPolicy } from "@eddy/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { loadJob } from "../load-job.ts";

interface IamPolicyFlags {
  readonly region?: string;
  readonly account?: string;
  readonly partition?: string;
}

/** `eddy iam-policy <module>`: the least-privilege IAM policy of the job a module exports. */
export function iamPolicyCommand(program: Command, io: CliIo): void {
  program
    .command("iam-policy")
    .description(
      "print the least-privilege IAM policy a job needs, from the AWS access its sources, sinks and checkpoint store declare (the job is not run)",
    )
    .argument(
      "<module>",
      "a .ts or .js module exporting the job: default or `job`, or a function returning it",
    )
    .option(
      "--region <region>",
      "the job's region (default: as the AWS SDK resolves it, AWS_REGION or the profile's)",
    )
    .option("--account <id>", "the job's account id (default: AWS_ACCOUNT_ID)")
    .option("--partition <name>", "aws, aws-cn or aws-us-gov (default: the region's)")
    .action(async (modulePath: string, flags: IamPolicyFlags) => {
      const job = await loadJob(modulePath, process.cwd());
      const region = flags.region ?? (await sdkRegion());
      const account = flags.account ?? io.env.AWS_ACCOUNT_ID;
      const { document, unresolved } = iamPolicy(job, { region, account, partition: flags.partition });
      io.out(`${JSON.stringify(document, null, 2)}\n`);
      if (document.Statement.length === 0) {
        io.err(
          `eddy: job "${job.name}" declares no AWS access: its sources, sinks and store call no AWS service\n`,
        );
      }
      if (unresolved.includes("region")) {
        io.err("eddy: region unknown (pass --region or set AWS_REGION): the ARNs hold * for it\n");
      }
      if (unresolved.includes("account")) {
        io.err("eddy: account unknown (pass --account or set AWS_ACCOUNT_ID): the ARNs hold * for it\n");
      }
      // Built, never run: a store that connected when it was made is released here.
      await job.connectors().checkpointStore?.close?.();
    });
}

/**
 * The region as the AWS SDK resolves it (AWS_REGION, the profile's config), read through the S3
 * client when it is installed; undefined when it is not, or resolves none.
 */
async function sdkRegion(): Promise<string | undefined> {
  try {
    const { S3Client } = await import("@aws-sdk/client-s3");
    const client = new S3Client({});
    try {
      return await client.config.region();
    } finally {
      client.destroy();
    }
  } catch {
    return undefined;
  }
}
