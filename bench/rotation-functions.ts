/**
 * The function code the rotation benchmark deploys, and the zips it is deployed in (built with fflate's
 * zipSync, as the end-to-end tests do).
 *
 * - no-op handlers (Node and Python) for the warm invocation overhead;
 * - minimal rotation functions shaped like AWS's rotation template (step dispatch; the SDK / boto3 client
 *   made once per process against SECRETS_MANAGER_ENDPOINT): createSecret puts the AWSPENDING value with
 *   PutSecretValue (idempotent: the value is derived from the token, so a re-run puts the same value),
 *   setSecret and testSecret return at once, finishSecret moves AWSCURRENT with UpdateSecretVersionStage
 *   (DescribeSecret first, for RemoveFromVersionId, as the template does).
 */
import { zipSync, strToU8 } from 'fflate';

export const NOOP_NODE = 'export const handler = async () => null;\n';

export const NOOP_PYTHON = 'def handler(event, context):\n    return None\n';

export const ROTATE_NODE = `import {
  SecretsManagerClient,
  DescribeSecretCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

const sm = new SecretsManagerClient({ endpoint: process.env.SECRETS_MANAGER_ENDPOINT });

export const handler = async (event) => {
  const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
  if (step === 'createSecret') {
    await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: 'rotated-' + token, VersionStages: ['AWSPENDING'] }));
  } else if (step === 'finishSecret') {
    const md = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    const current = Object.entries(md.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    if (current === token) return null;
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
  } else if (step !== 'setSecret' && step !== 'testSecret') {
    throw new Error('Invalid step parameter ' + step);
  }
  return null;
};
`;

export const ROTATE_PYTHON = `import os

import boto3

service_client = boto3.client('secretsmanager', endpoint_url=os.environ['SECRETS_MANAGER_ENDPOINT'])


def lambda_handler(event, context):
    arn = event['SecretId']
    token = event['ClientRequestToken']
    step = event['Step']
    if step == 'createSecret':
        service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString='rotated-' + token, VersionStages=['AWSPENDING'])
    elif step == 'finishSecret':
        versions = service_client.describe_secret(SecretId=arn)['VersionIdsToStages']
        current = next((v for v, s in versions.items() if 'AWSCURRENT' in s), None)
        if current == token:
            return None
        service_client.update_secret_version_stage(SecretId=arn, VersionStage='AWSCURRENT', MoveToVersionId=token, RemoveFromVersionId=current)
    elif step not in ('setSecret', 'testSecret'):
        raise ValueError('Invalid step parameter ' + step)
    return None
`;

export type Runtime = 'nodejs20.x' | 'python3.11';

export interface FunctionSpec {
  runtime: Runtime;
  handler: string;
  /** base64 of the zip, as CreateFunction's Code.ZipFile. */
  zipBase64: string;
}

function zipBase64(file: string, source: string): string {
  return Buffer.from(zipSync({ [file]: strToU8(source) })).toString('base64');
}

export function noopFunction(runtime: Runtime): FunctionSpec {
  return runtime === 'nodejs20.x'
    ? { runtime, handler: 'index.handler', zipBase64: zipBase64('index.mjs', NOOP_NODE) }
    : { runtime, handler: 'noop.handler', zipBase64: zipBase64('noop.py', NOOP_PYTHON) };
}

export function rotationFunction(runtime: Runtime): FunctionSpec {
  return runtime === 'nodejs20.x'
    ? { runtime, handler: 'index.handler', zipBase64: zipBase64('index.mjs', ROTATE_NODE) }
    : { runtime, handler: 'lambda_function.lambda_handler', zipBase64: zipBase64('lambda_function.py', ROTATE_PYTHON) };
}

/** CreateFunction's request body. */
export function createFunctionRequest(name: string, accountId: string, spec: FunctionSpec, timeoutS = 30): Record<string, unknown> {
  return {
    FunctionName: name,
    Runtime: spec.runtime,
    Role: `arn:aws:iam::${accountId}:role/rotation-bench`,
    Handler: spec.handler,
    Code: { ZipFile: spec.zipBase64 },
    Timeout: timeoutS,
  };
}
