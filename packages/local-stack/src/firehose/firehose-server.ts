import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { portOr } from "../ports.ts";
import { type DeliveryEvents, DeliveryStream, type S3Destination } from "./delivery-stream.ts";
import { type ObjectWriter, s3ObjectWriter } from "./s3-writer.ts";

/** The service's limits, enforced as the real one does. */
export const FIREHOSE_LIMITS = {
  maxRecordsPerBatch: 500,
  maxBatchBytes: 4 * 1024 * 1024,
  maxRecordBytes: 1000 * 1024,
} as const;

/** Said on startup and in errors: this is not Amazon Data Firehose. */
export const LOCAL_FIREHOSE_NOTICE =
  "local Firehose: a development tool, not Amazon Data Firehose (DirectPut to S3 only, buffering in memory)";

/** A running local Firehose. */
export interface LocalFirehose {
  readonly endpoint: string;
  readonly port: number;
  /** Delivers everything buffered, in every stream, and waits for it. */
  drain(): Promise<void>;
  /** Delivers what is buffered, then stops. */
  stop(): Promise<void>;
}

/** Options of {@link startLocalFirehose}. */
export interface LocalFirehoseOptions {
  /** The S3 stand-in that delivery streams write to. */
  readonly s3Endpoint: string;
  readonly port?: number;
  readonly events?: DeliveryEvents;
  /** Replaces the S3 writer (tests of the server itself). */
  readonly writer?: ObjectWriter;
}

class FirehoseError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Starts a local stand-in for Amazon Data Firehose on 127.0.0.1: the JSON 1.1 protocol
 * (`X-Amz-Target: Firehose_20150804.<Operation>`) for CreateDeliveryStream,
 * DescribeDeliveryStream, ListDeliveryStreams, PutRecord, PutRecordBatch and DeleteDeliveryStream,
 * delivering DirectPut streams to S3 with the buffering hints, GZIP and prefixes of the real one.
 * Development only: state is in memory, nothing is retried beyond a few attempts, no IAM.
 */
export async function startLocalFirehose(options: LocalFirehoseOptions): Promise<LocalFirehose> {
  const writer = options.writer ?? s3ObjectWriter(options.s3Endpoint);
  const streams = new Map<string, DeliveryStream>();
  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateDeliveryStream: (body) => {
      const name = requireString(body, "DeliveryStreamName");
      if (streams.has(name))
        throw new FirehoseError("ResourceInUseException", `Firehose ${name} already exists`);
      const type = body.DeliveryStreamType ?? "DirectPut";
      if (type !== "DirectPut") {
        throw new FirehoseError(
          "InvalidArgumentException",
          `${LOCAL_FIREHOSE_NOTICE}: type ${String(type)} is not supported`,
        );
      }
      const arn = `arn:aws:firehose:us-east-1:000000000000:deliverystream/${name}`;
      streams.set(name, new DeliveryStream(name, arn, parseDestination(body), writer, options.events));
      return { DeliveryStreamARN: arn };
    },
    DescribeDeliveryStream: (body) => describe(streamOf(streams, body)),
    ListDeliveryStreams: () => ({
      DeliveryStreamNames: [...streams.keys()].sort(),
      HasMoreDeliveryStreams: false,
    }),
    DeleteDeliveryStream: (body) => {
      const stream = streamOf(streams, body);
      streams.delete(stream.name);
      // Unlike the service, deliver what was buffered: a developer expects to find it.
      void stream.drain();
      return {};
    },
    PutRecord: (body) => {
      const stream = streamOf(streams, body);
      const record = decodeRecord((body.Record ?? {}) as Record<string, unknown>);
      stream.put([record]);
      return { RecordId: recordId(), Encrypted: false };
    },
    PutRecordBatch: (body) => {
      const stream = streamOf(streams, body);
      const records = body.Records;
      if (!Array.isArray(records) || records.length === 0) {
        throw new FirehoseError("InvalidArgumentException", "Records must hold 1 to 500 records");
      }
      if (records.length > FIREHOSE_LIMITS.maxRecordsPerBatch) {
        throw new FirehoseError(
          "ValidationException",
          `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordsPerBatch}`,
        );
      }
      const decoded = records.map((r) => decodeRecord(r as Record<string, unknown>));
      const total = decoded.reduce((n, r) => n + r.byteLength, 0);
      if (total > FIREHOSE_LIMITS.maxBatchBytes) {
        throw new FirehoseError(
          "InvalidArgumentException",
          `the batch holds ${total} bytes, more than 4 MiB`,
        );
      }
      stream.put(decoded);
      return {
        FailedPutCount: 0,
        Encrypted: false,
        RequestResponses: decoded.map(() => ({ RecordId: recordId() })),
      };
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res, handlers);
  });
  const wanted = await portOr(options.port);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(wanted, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : wanted;
  const drain = async () => {
    await Promise.all([...streams.values()].map((s) => s.drain()));
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    drain,
    async stop() {
      await drain();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.writer) writer.close();
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: Record<string, (body: Record<string, unknown>) => unknown>,
): Promise<void> {
  const requestId = randomUUID();
  const reply = (status: number, payload: unknown) => {
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": Buffer.byteLength(body),
      "x-amzn-requestid": requestId,
    });
    res.end(body);
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    const [service, operation = ""] = target.split(".");
    if (req.method !== "POST" || service !== "Firehose_20150804") {
      throw new FirehoseError(
        "UnknownOperationException",
        `${LOCAL_FIREHOSE_NOTICE}: unknown target "${target}"`,
      );
    }
    const handler = handlers[operation];
    if (!handler) {
      throw new FirehoseError(
        "UnknownOperationException",
        `${LOCAL_FIREHOSE_NOTICE}: ${operation} is not supported`,
      );
    }
    const text = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown>;
    try {
      body = text.length === 0 ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      throw new FirehoseError("SerializationException", "the request body is not JSON");
    }
    reply(200, handler(body));
  } catch (error) {
    if (error instanceof FirehoseError) reply(error.status, { __type: error.type, message: error.message });
    else reply(500, { __type: "ServiceUnavailableException", message: String(error) });
  }
}

function streamOf(streams: Map<string, DeliveryStream>, body: Record<string, unknown>): DeliveryStream {
  const name = requireString(body, "DeliveryStreamName");
  const stream = streams.get(name);
  if (!stream) {
    throw new FirehoseError(
      "ResourceNotFoundException",
      `Firehose ${name} under account 000000000000 not found.`,
    );
  }
  return stream;
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value.length === 0) {
    throw new FirehoseError("InvalidArgumentException", `${field} is required`);
  }
  return value;
}

function decodeRecord(record: Record<string, unknown>): Buffer {
  const data = record.Data;
  if (typeof data !== "string")
    throw new FirehoseError("InvalidArgumentException", "Record.Data is required");
  const bytes = Buffer.from(data, "base64");
  if (bytes.byteLength > FIREHOSE_LIMITS.maxRecordBytes) {
    throw new FirehoseError(
      "InvalidArgumentException",
      `a record holds ${bytes.byteLength} bytes, more than 1000 KiB`,
    );
  }
  return bytes;
}

function parseDestination(body: Record<string, unknown>): S3Destination {
  const config = (body.ExtendedS3DestinationConfiguration ?? body.S3DestinationConfiguration) as
    | Record<string, unknown>
    | undefined;
  if (!config) {
    throw new FirehoseError(
      "InvalidArgumentException",
      `${LOCAL_FIREHOSE_NOTICE}: only ExtendedS3DestinationConfiguration / S3DestinationConfiguration are supported`,
    );
  }
  const bucketArn = requireString(config, "BucketARN");
  const bucket = bucketArn.replace(/^arn:aws:s3:::/, "");
  const hints = (config.BufferingHints ?? {}) as { SizeInMBs?: number; IntervalInSeconds?: number };
  const sizeInMBs = hints.SizeInMBs ?? 5;
  const intervalInSeconds = hints.IntervalInSeconds ?? 300;
  if (!(sizeInMBs >= 1 && sizeInMBs <= 128)) {
    throw new FirehoseError("InvalidArgumentException", "BufferingHints.SizeInMBs must be in 1..128");
  }
  if (!(intervalInSeconds >= 0 && intervalInSeconds <= 900)) {
    throw new FirehoseError("InvalidArgumentException", "BufferingHints.IntervalInSeconds must be in 0..900");
  }
  const compression = String(config.CompressionFormat ?? "UNCOMPRESSED");
  if (compression !== "UNCOMPRESSED" && compression !== "GZIP") {
    throw new FirehoseError(
      "InvalidArgumentException",
      `${LOCAL_FIREHOSE_NOTICE}: CompressionFormat ${compression} is not supported (UNCOMPRESSED or GZIP)`,
    );
  }
  return {
    bucket,
    bucketArn,
    roleArn: String(config.RoleARN ?? "arn:aws:iam::000000000000:role/firehose"),
    prefix: String(config.Prefix ?? ""),
    errorOutputPrefix: String(config.ErrorOutputPrefix ?? ""),
    sizeInMBs,
    intervalInSeconds,
    compression,
  };
}

function describe(stream: DeliveryStream): unknown {
  const d = stream.destination;
  const s3 = {
    RoleARN: d.roleArn,
    BucketARN: d.bucketArn,
    Prefix: d.prefix,
    ErrorOutputPrefix: d.errorOutputPrefix,
    BufferingHints: { SizeInMBs: d.sizeInMBs, IntervalInSeconds: d.intervalInSeconds },
    CompressionFormat: d.compression,
    EncryptionConfiguration: { NoEncryptionConfig: "NoEncryption" },
  };
  return {
    DeliveryStreamDescription: {
      DeliveryStreamName: stream.name,
      DeliveryStreamARN: stream.arn,
      DeliveryStreamStatus: "ACTIVE",
      DeliveryStreamType: "DirectPut",
      VersionId: stream.versionId,
      CreateTimestamp: stream.createdAt / 1000,
      Destinations: [
        {
          DestinationId: "destinationId-000000000001",
          S3DestinationDescription: s3,
          ExtendedS3DestinationDescription: { ...s3, S3BackupMode: "Disabled" },
        },
      ],
      HasMoreDestinations: false,
    },
  };
}

function recordId(): string {
  return randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, "");
}
