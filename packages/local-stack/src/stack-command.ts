import { LOCAL_FIREHOSE_NOTICE } from "./firehose/firehose-server.ts";
import { startStack } from "./stack.ts";
import { removeStackFile, stackFilePath, writeStackFile } from "./stack-file.ts";

// `pnpm stack`: the local AWS stack for development, in the foreground until Ctrl-C.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const USAGE = `usage: npm run stack [-- --help]

Starts local stand-ins for AWS on 127.0.0.1 for development (kinesis-local, dynalite, s3rver, a local
Firehose and redis-server), writes their endpoints to ${stackFilePath()} for the apps' --mode local,
and runs in the foreground until Ctrl-C, which stops them all. Takes no other options.`;

const args = process.argv.slice(2);
if (args.includes("-h") || args.includes("--help")) {
  console.log(USAGE);
  process.exit(0);
}
if (args.length > 0) {
  console.error(`npm run stack: unknown argument ${args[0]}\n\n${USAGE}`);
  process.exit(2);
}

const path = stackFilePath();
console.log("eddy local stack: DEVELOPMENT ONLY — local stand-ins for AWS on 127.0.0.1, not AWS itself");
console.log(LOCAL_FIREHOSE_NOTICE);
const started = Date.now();
const stack = await startStack({ log: (line) => console.log(line) });
await writeStackFile(stack.endpoints, path);
const e = stack.endpoints;
console.log(`
  kinesis   ${e.kinesis}     (kinesis-local)
  dynamodb  ${e.dynamodb}     (dynalite, in memory)
  s3        ${e.s3}     (s3rver; credentials ${e.credentials.accessKeyId}/${e.credentials.secretAccessKey}, path-style; bucket "${e.bucket}")
  firehose  ${e.firehose}     (local Firehose, delivers to the s3 above)
  redis     ${e.redis}
  region    ${e.region}

endpoints written to ${path} (started in ${Date.now() - started} ms); Ctrl-C stops everything`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack`);
  await removeStackFile(path);
  await stack.stop();
  console.log("stopped");
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
