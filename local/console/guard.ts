import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The header that carries the console's token on a state-changing request. */
export const TOKEN_HEADER = 'x-console-token';

/** What a console request must match: the hub's own address and this start's token. */
export interface ConsoleGuard {
  /** `127.0.0.1:<port>`: the host the hub listens on. */
  host: string;
  /** Random per hub start; only the console page (same origin) can read it. */
  token: string;
}

export function consoleGuard(hubUrl: string): ConsoleGuard {
  return { host: new URL(hubUrl).host, token: randomBytes(32).toString('hex') };
}

/**
 * Why a console request is refused, or undefined when it may be served. Every request must name
 * the hub's loopback address as its Host (a DNS-rebinding page names its own host). A POST must
 * also come from the console's own origin (browsers send `Origin` on every cross-site POST and on
 * every fetch POST) and carry the page's token in a header, which a cross-site form cannot set and
 * a cross-site script cannot read.
 */
export function refusal(
  method: string,
  headers: IncomingHttpHeaders,
  guard: ConsoleGuard,
): { status: number; message: string } | undefined {
  const port = guard.host.split(':').pop() ?? '';
  const hosts = new Set([guard.host, `localhost:${port}`]);
  if (!hosts.has(headers.host ?? ''))
    return { status: 421, message: 'The console answers on its loopback address only' };
  if (method === 'GET' || method === 'HEAD') return undefined;
  if (method !== 'POST') return { status: 405, message: 'Method Not Allowed' };
  const origin = headers.origin;
  if (!origin || ![...hosts].some((host) => origin === `http://${host}`))
    return { status: 403, message: 'Cross-origin request refused' };
  const sent = Buffer.from(String(headers[TOKEN_HEADER] ?? ''));
  const expected = Buffer.from(guard.token);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected))
    return { status: 403, message: `Missing or wrong ${TOKEN_HEADER}` };
  return undefined;
}
