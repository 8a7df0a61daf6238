import { awsArn, pipeline, type Source, seconds } from "@eddy/core";
import { s3Checkpoints } from "@eddy/state";

/** A stream of numbers that declares reading a Kinesis stream, as kinesisSource does. */
const numbers: Source<number> = {
  name: "numbers",
  bounded: true,
  open: () => ({ next: async () => undefined }),
  awsAccess: () => [
    {
      service: "kinesis",
      actions: ["kinesis:ListShards", "kinesis:GetRecords"],
      resources: [awsArn("kinesis", "stream/numbers")],
    },
  ],
};

const job = pipeline("iam-fixture", {
  checkpoints: {
    every: seconds(10),
    store: s3Checkpoints({ bucket: "fixture-checkpoints", prefix: "iam/" }),
  },
});
job.source(numbers).sink({ name: "nowhere", write() {} });

export default job;
