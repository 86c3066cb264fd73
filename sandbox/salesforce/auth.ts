import { createHmac } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../common/router.js';
import { verifyAssertion, type OAuthFailure } from './jwt.js';

export interface SandboxUser {
  username: string;
  id: string;
}

export interface AuthSettings {
  clientId: string;
  clientSecret: string;
  jwt?: { consumerKey: string; publicKeyPem: string };
  /** Accepted JWT audiences besides the emulator's own URL. */
  audiences: string[];
  /** The first user is the client-credentials "run as" user. */
  users: SandboxUser[];
  accessTokens: string[];
  tokenTtlMs: number;
  orgId: string;
  now: () => Date;
  /** A draw in [0, 1) from the emulator's seeded random. */
  random: () => number;
  instanceUrl: () => string;
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._';

const UNKNOWN_CLIENT: OAuthFailure = { error: 'invalid_client_id', error_description: 'client identifier invalid' };
const NOT_APPROVED = "user hasn't approved this consumer";

const oauthError = (failure: OAuthFailure): SandboxResponse => ({ status: 400, body: failure });

/** Issues and checks bearer tokens the way the org's OAuth endpoint and REST API do. */
export class Auth {
  private readonly tokens = new Map<string, { expiresAt: number; userId: string }>();

  constructor(private readonly settings: AuthSettings) {}

  /** Whether an `Authorization: Bearer …` header carries a live token. */
  check(header: string | undefined): boolean {
    const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    if (!token) return false;
    if (this.settings.accessTokens.includes(token)) return true;
    const held = this.tokens.get(token);
    return !!held && held.expiresAt > this.settings.now().getTime();
  }

  /** `POST /services/oauth2/token`: client credentials and JWT bearer grants. */
  token(req: SandboxRequest): SandboxResponse {
    const form = new URLSearchParams(req.text());
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') return this.clientCredentials(form);
    if (grant === JWT_GRANT) return this.jwtBearer(form.get('assertion') ?? '');
    return oauthError({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  }

  /** Forgets every issued token (pre-issued ones stay valid), as when sessions are revoked. */
  revokeIssued(): void {
    this.tokens.clear();
  }

  issuedCount(): number {
    return this.tokens.size;
  }

  private clientCredentials(form: URLSearchParams): SandboxResponse {
    const { clientId, clientSecret, users } = this.settings;
    if (form.get('client_id') !== clientId) return oauthError(UNKNOWN_CLIENT);
    if (form.get('client_secret') !== clientSecret) {
      return oauthError({ error: 'invalid_client', error_description: 'invalid client credentials' });
    }
    const [runAs] = users;
    if (!runAs) return oauthError({ error: 'invalid_grant', error_description: 'no client credentials user enabled' });
    const issuedAt = String(this.settings.now().getTime());
    const body = this.issue(runAs);
    // The signature lets a client check the response: HMAC-SHA256 over id + issued_at with the consumer secret.
    const signature = createHmac('sha256', clientSecret)
      .update(body.id + issuedAt)
      .digest('base64');
    return { status: 200, body: { ...body, signature, issued_at: issuedAt } };
  }

  private jwtBearer(assertion: string): SandboxResponse {
    const { jwt, users } = this.settings;
    if (!jwt) return oauthError(UNKNOWN_CLIENT);
    const verdict = verifyAssertion(assertion, {
      ...jwt,
      audiences: [...this.settings.audiences, this.settings.instanceUrl()],
      usernames: users.map((u) => u.username),
      now: this.settings.now,
    });
    if ('error' in verdict) return oauthError(verdict);
    const user = users.find((u) => u.username === verdict.username);
    return user
      ? { status: 200, body: this.issue(user) }
      : oauthError({ error: 'invalid_grant', error_description: NOT_APPROVED });
  }

  private issue(user: SandboxUser) {
    let secret = '';
    for (let i = 0; i < 96; i += 1)
      secret += TOKEN_CHARS.charAt(Math.floor(this.settings.random() * TOKEN_CHARS.length));
    const accessToken = `${this.settings.orgId.slice(0, 15)}!${secret}`;
    this.tokens.set(accessToken, {
      expiresAt: this.settings.now().getTime() + this.settings.tokenTtlMs,
      userId: user.id,
    });
    const instanceUrl = this.settings.instanceUrl();
    return {
      access_token: accessToken,
      scope: 'api',
      instance_url: instanceUrl,
      id: `${instanceUrl}/id/${this.settings.orgId}/${user.id}`,
      token_type: 'Bearer',
    };
  }
}
