/**
 * A function calls Rotor back with its role credentials, as a rotation function does: the request, signed
 * by boto3 with the injected ASIA key and session token, passes Rotor's SigV4 verifier and is attributed
 * to the assumed role. Skipped where boto3 is not installed.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigV4Verifier } from '../auth/sigv4.js';
import { ACCOUNT, SCOPE, createRequest, harness, type Harness } from '../../test/functions/support.js';
import { assumedRoleArn, roleName } from './role-credentials.js';

function hasBoto3(): boolean {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('role credentials', () => {
  it('names the assumed role like STS', () => {
    expect(roleName('arn:aws:iam::123456789012:role/service-role/my-role')).toBe('my-role');
    expect(assumedRoleArn('123456789012', 'arn:aws:iam::123456789012:role/r', 'fn')).toBe(
      'arn:aws:sts::123456789012:assumed-role/r/fn',
    );
  });
});

describe('functions calling Rotor back with their role credentials', () => {
  let h: Harness;
  let server: Server;
  let url = '';
  const seen: { principal: string; target: string; token: boolean }[] = [];

  beforeAll(async () => {
    h = harness({ endpoint: () => url });
    const verifier = new SigV4Verifier({ lookup: (id) => h.credentials.lookup(id) });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const body = Buffer.concat(chunks);
          const keyId = /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
          await h.credentials.prefetch(keyId);
          try {
            const caller = verifier.verify({ method: req.method ?? 'POST', url: req.url ?? '/', rawHeaders: req.rawHeaders, body });
            seen.push({
              principal: caller.credential.principalArn,
              target: String(req.headers['x-amz-target']),
              token: req.headers['x-amz-security-token'] !== undefined,
            });
            res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
            res.end(JSON.stringify({ SecretList: [{ Name: caller.credential.principalArn }] }));
          } catch (e) {
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
            res.end(JSON.stringify({ __type: 'UnrecognizedClientException', Message: e instanceof Error ? e.message : 'denied' }));
          }
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it.skipIf(!hasBoto3())('Python + boto3: signs with the injected credentials and reaches SECRETS_MANAGER_ENDPOINT', async () => {
    await h.registry.createFunction(
      SCOPE,
      createRequest(
        'caller',
        'python3.12',
        'lambda_function.lambda_handler',
        {
          'lambda_function.py': [
            'import os, boto3',
            "client = boto3.client('secretsmanager', endpoint_url=os.environ['SECRETS_MANAGER_ENDPOINT'])",
            'def lambda_handler(event, context):',
            "    return client.list_secrets()['SecretList'][0]['Name']",
            '',
          ].join('\n'),
        },
        { Timeout: 30 },
      ),
    );
    const r = await h.registry.invoke(SCOPE, 'caller', {});
    expect(r.errorMessage).toBeUndefined();
    expect(r.ok).toBe(true);
    const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/rotation-role/caller`;
    expect(JSON.parse(r.payload)).toBe(principal);
    expect(seen).toContainEqual({ principal, target: 'secretsmanager.ListSecrets', token: true });
  });

  it('Node + the AWS SDK v3 (not bundled, provided by the runtime as on Lambda)', async () => {
    await h.registry.createFunction(
      SCOPE,
      createRequest('node-caller', 'nodejs20.x', 'index.handler', {
        'index.mjs': [
          "import { SecretsManagerClient, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';",
          'const sm = new SecretsManagerClient({ endpoint: process.env.SECRETS_MANAGER_ENDPOINT });',
          'export const handler = async () => (await sm.send(new ListSecretsCommand({}))).SecretList[0].Name;',
        ].join('\n'),
      }, { Timeout: 30 }),
    );
    const r = await h.registry.invoke(SCOPE, 'node-caller', {});
    expect(r.errorMessage).toBeUndefined();
    const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/rotation-role/node-caller`;
    expect(JSON.parse(r.payload)).toBe(principal);
    expect(seen).toContainEqual({ principal, target: 'secretsmanager.ListSecrets', token: true });
  });

  it('CommonJS require() of the SDK works too', async () => {
    await h.registry.createFunction(
      SCOPE,
      createRequest('cjs-sdk', 'nodejs18.x', 'index.handler', {
        'index.js': "const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager');\nexports.handler = async () => typeof SecretsManagerClient;",
      }),
    );
    const r = await h.registry.invoke(SCOPE, 'cjs-sdk', {});
    expect(r.payload).toBe('"function"');
  });
});
