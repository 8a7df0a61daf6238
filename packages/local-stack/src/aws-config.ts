/** The region every stand-in answers for. */
export const LOCAL_REGION = "us-east-1";

/** s3rver accepts only these credentials; the other stand-ins accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** Client settings for a stand-in at `endpoint` (any AWS SDK v3 client). */
export function localClientConfig(endpoint: string): {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { region: LOCAL_REGION, endpoint, credentials: { ...LOCAL_CREDENTIALS } };
}

/**
 * S3 client settings for s3rver: path-style addressing, and checksums only when an operation
 * requires them (otherwise streamed bodies are stored with their aws-chunked framing).
 */
export function localS3ClientConfig(endpoint: string): ReturnType<typeof localClientConfig> & {
  forcePathStyle: true;
  requestChecksumCalculation: "WHEN_REQUIRED";
  responseChecksumValidation: "WHEN_REQUIRED";
} {
  return {
    ...localClientConfig(endpoint),
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}
