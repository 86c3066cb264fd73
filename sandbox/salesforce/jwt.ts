import { createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** What the JWT bearer flow checks, configured per connected app. */
export interface JwtSettings {
  consumerKey: string;
  /** The connected app's certificate or public key (PEM). */
  publicKeyPem: string;
  /** Accepted `aud` values (login URLs). */
  audiences: string[];
  /** Usernames that may be named in `sub`. */
  usernames: string[];
  now: () => Date;
}

/** An OAuth error answer: `{error, error_description}`. */
export interface OAuthFailure {
  error: string;
  error_description: string;
}

const Claims = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
});

const Header = z.object({ alg: z.string() });

function decodeJson(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/** The key to verify with; a connected app usually holds an X.509 certificate. */
function publicKeyFrom(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

/**
 * Verifies an RS256 assertion like Salesforce's token endpoint: issuer is the consumer key,
 * signature by the app's certificate, audience a login URL, not expired, subject a known user.
 * Returns the username on success.
 */
export function verifyAssertion(assertion: string, settings: JwtSettings): { username: string } | OAuthFailure {
  const invalid = (description: string): OAuthFailure => ({ error: 'invalid_grant', error_description: description });
  const [header, payload, signature, ...extra] = assertion.split('.');
  if (!header || !payload || !signature || extra.length > 0) return invalid('invalid assertion');
  let claims: z.infer<typeof Claims>;
  try {
    const parsedHeader = Header.safeParse(decodeJson(header));
    const parsedClaims = Claims.safeParse(decodeJson(payload));
    if (!parsedHeader.success || parsedHeader.data.alg !== 'RS256' || !parsedClaims.success)
      return invalid('invalid assertion');
    claims = parsedClaims.data;
  } catch {
    return invalid('invalid assertion');
  }
  if (claims.iss !== settings.consumerKey)
    return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
  const key = publicKeyFrom(settings.publicKeyPem);
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
  if (!signed) return invalid('invalid assertion');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => settings.audiences.includes(aud.replace(/\/$/, ''))))
    return invalid('audience is invalid');
  if (claims.exp * 1000 <= settings.now().getTime()) return invalid('expired authorization code');
  if (!settings.usernames.includes(claims.sub)) return invalid("user hasn't approved this consumer");
  return { username: claims.sub };
}
