/**
 * Where a `switchboard` command acts: the local hub (`npm start`, stage `local`) or a deployed
 * stage (`--stage <name>`, AWS credentials and region from the usual chain). Both name their
 * resources `switchboard-<stage>-<name>`, as serverless.yml does, so one code path serves both.
 */
import { localSettings, portSetting } from '../../local/env-file.js';
import { LOCAL_AWS_CREDENTIALS } from '../../local/local-credentials.js';

export interface Target {
  stage: string;
  /** The local hub rather than AWS. */
  local: boolean;
  region: string;
  /** Endpoints for the AWS SDK clients: the local hub's, or none (the SDK's own) for a stage. */
  endpoints: { sqs?: string; dynamoDb?: string; lambda?: string };
  /** The local hub's HTTP address (routes, Lambda Invoke API). */
  hubUrl?: string;
  /** The settings read from the environment and `.env`. */
  settings: Record<string, string>;
}

/**
 * The target of `--stage` (undefined: the local hub). For the local hub the SDK gets the local
 * credentials unless the environment names others: the local services check no signature, but
 * the SDK must not go looking for AWS credentials.
 */
export function resolveTarget(stage: string | undefined, settings = localSettings()): Target {
  const region = process.env.AWS_REGION ?? settings.AWS_REGION ?? 'us-east-1';
  if (stage !== undefined) return { stage, local: false, region, endpoints: {}, settings };
  if (!process.env.AWS_ACCESS_KEY_ID)
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
    });
  const hubUrl = `http://127.0.0.1:${portSetting(settings, 'HUB_PORT', 3000)}`;
  return {
    stage: 'local',
    local: true,
    region,
    endpoints: {
      sqs: `http://127.0.0.1:${portSetting(settings, 'SQS_PORT', 4566)}`,
      dynamoDb: `http://127.0.0.1:${portSetting(settings, 'DYNAMODB_PORT', 4567)}`,
      lambda: hubUrl,
    },
    hubUrl,
    settings,
  };
}

/** A resource's name in the target, as serverless.yml names it (`switchboard-<stage>-<name>`). */
export function resourceName(target: Target, name: string): string {
  return `switchboard-${target.stage}-${name}`;
}

/** What to tell a person when the target did not answer. */
export function unreachableHint(target: Target): string {
  return target.local
    ? `the local hub is not reachable (${target.hubUrl}): start it with \`npm start\`, then run this again.`
    : `stage ${target.stage} in ${target.region} is not reachable: check the AWS credentials and region.`;
}
