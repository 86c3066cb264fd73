import { createHmac, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import jsforce from 'jsforce';
import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { api, manualClock, startTestOrg } from './factories.js';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CONSUMER_KEY = '3MVG9sandbox.consumer.key';
const USERNAME = 'integration@switchboard.sandbox';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function assertion(claims: Record<string, unknown>, key: KeyObject = privateKey): string {
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

async function tokenRequest(sf: SalesforceEmulator, form: Record<string, string>) {
  const res = await fetch(sf.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Salesforce emulator OAuth', () => {
  const clock = manualClock();
  const validClaims = () => ({
    iss: CONSUMER_KEY,
    sub: USERNAME,
    aud: 'https://login.salesforce.com',
    exp: Math.floor(clock.now().getTime() / 1000) + 180,
  });
  let sf: SalesforceEmulator;
  beforeAll(async () => {
    sf = await startTestOrg({
      clock: clock.now,
      tokenTtlMs: 60_000,
      jwt: { consumerKey: CONSUMER_KEY, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
  });
  afterAll(async () => sf.stop());

  it('grants client credentials through jsforce and the token works for API calls', async () => {
    const conn = new jsforce.Connection({
      oauth2: { loginUrl: sf.url, clientId: sf.clientId, clientSecret: sf.clientSecret },
      version: '62.0',
    });

    const user = await conn.authorize({ grant_type: 'client_credentials' });
    const result = await conn.query('SELECT Id FROM Account');

    expect(conn.instanceUrl).toBe(sf.url);
    expect(user.organizationId).toBe(sf.orgId);
    expect(result.totalSize).toBe(0);
  });

  it('answers client credentials with the documented fields and a verifiable signature', async () => {
    const { status, body } = await tokenRequest(sf, {
      grant_type: 'client_credentials',
      client_id: sf.clientId,
      client_secret: sf.clientSecret,
    });

    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^00D\w{12}!/),
      signature: createHmac('sha256', sf.clientSecret)
        .update(String(body.id) + String(body.issued_at))
        .digest('base64'),
      scope: 'api',
      instance_url: sf.url,
      id: expect.stringMatching(new RegExp(`/id/${sf.orgId}/005\\w{15}$`)),
      token_type: 'Bearer',
      issued_at: String(clock.now().getTime()),
    });
  });

  it.each([
    [
      'an unknown client id',
      { client_id: 'nope' },
      { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    ],
    [
      'a wrong secret',
      { client_secret: 'nope' },
      { error: 'invalid_client', error_description: 'invalid client credentials' },
    ],
  ])('refuses client credentials with %s', async (_case, override, expected) => {
    const { status, body } = await tokenRequest(sf, {
      grant_type: 'client_credentials',
      client_id: sf.clientId,
      client_secret: sf.clientSecret,
      ...override,
    });

    expect(status).toBe(400);
    expect(body).toEqual(expected);
  });

  it('refuses grant types it does not offer', async () => {
    const { status, body } = await tokenRequest(sf, { grant_type: 'password', username: USERNAME, password: 'x' });

    expect(status).toBe(400);
    expect(body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('grants a JWT bearer assertion through jsforce', async () => {
    const conn = new jsforce.Connection({ loginUrl: sf.url, version: '62.0' });

    await conn.authorize({ grant_type: JWT_GRANT, assertion: assertion(validClaims()) });
    const limits = await conn.limits();

    expect(limits.DailyApiRequests).toBeDefined();
  });

  it('answers a JWT grant without issued_at or signature', async () => {
    const { status, body } = await tokenRequest(sf, {
      grant_type: JWT_GRANT,
      assertion: assertion({ ...validClaims(), aud: sf.url }),
    });

    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'id', 'instance_url', 'scope', 'token_type']);
  });

  it.each([
    [
      'another issuer',
      { iss: 'someone-else' },
      privateKey,
      { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    ],
    ['a foreign signature', {}, other.privateKey, { error: 'invalid_grant', error_description: 'invalid assertion' }],
    [
      'another audience',
      { aud: 'https://example.com' },
      privateKey,
      { error: 'invalid_grant', error_description: 'audience is invalid' },
    ],
    [
      'a passed expiry',
      { exp: 1_700_000_000 },
      privateKey,
      { error: 'invalid_grant', error_description: 'expired authorization code' },
    ],
    [
      'an unknown user',
      { sub: 'stranger@example.com' },
      privateKey,
      { error: 'invalid_grant', error_description: "user hasn't approved this consumer" },
    ],
  ])('refuses a JWT with %s', async (_case, claims, key, expected) => {
    const { status, body } = await tokenRequest(sf, {
      grant_type: JWT_GRANT,
      assertion: assertion({ ...validClaims(), ...claims }, key),
    });

    expect(status).toBe(400);
    expect(body).toEqual(expected);
  });

  it('refuses a malformed assertion', async () => {
    const { body } = await tokenRequest(sf, { grant_type: JWT_GRANT, assertion: 'not-a-jwt' });

    expect(body).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });

  it('expires issued tokens after the configured TTL with INVALID_SESSION_ID', async () => {
    const { body } = await tokenRequest(sf, {
      grant_type: 'client_credentials',
      client_id: sf.clientId,
      client_secret: sf.clientSecret,
    });
    const headers = { authorization: `Bearer ${String(body.access_token)}` };
    const before = await api(sf, 'GET', '/limits', undefined, headers);

    clock.advance(60_001);
    const after = await api(sf, 'GET', '/limits', undefined, headers);

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(after.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('rejects a missing or revoked token the same way', async () => {
    const { body } = await tokenRequest(sf, {
      grant_type: 'client_credentials',
      client_id: sf.clientId,
      client_secret: sf.clientSecret,
    });
    sf.revokeTokens();

    const revoked = await api(sf, 'GET', '/limits', undefined, {
      authorization: `Bearer ${String(body.access_token)}`,
    });
    const missing = await fetch(`${sf.url}/services/data/v62.0/limits`);

    expect(revoked.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(await api(sf, 'GET', '/limits').then((r) => r.status)).toBe(200);
  });
});

describe('Salesforce emulator without a JWT connected app', () => {
  it('refuses JWT grants as an unknown client', async () => {
    const sf = await startTestOrg();
    const { status, body } = await tokenRequest(sf, {
      grant_type: JWT_GRANT,
      assertion: assertion({ iss: CONSUMER_KEY }),
    });
    await sf.stop();

    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client_id');
  });
});

describe('Salesforce emulator with a connected app certificate', () => {
  it('verifies assertions against the X.509 certificate uploaded to the app', async () => {
    // A throwaway self-signed pair made for this test only (openssl req -x509 -newkey rsa:2048).
    const fixtures = new URL('./fixtures/', import.meta.url);
    const certificate = await readFile(new URL('jwt-test-cert.pem', fixtures), 'utf8');
    const key = createPrivateKey(await readFile(new URL('jwt-test-key.pem', fixtures), 'utf8'));
    const sf = await startTestOrg({ jwt: { consumerKey: CONSUMER_KEY, publicKeyPem: certificate } });
    const exp = Math.floor(Date.now() / 1000) + 60;

    const { status } = await tokenRequest(sf, {
      grant_type: JWT_GRANT,
      assertion: assertion({ iss: CONSUMER_KEY, sub: USERNAME, aud: sf.url, exp }, key),
    });
    await sf.stop();

    expect(status).toBe(200);
  });
});
