/** A dry run's input: the payload file, which webhook it is for, and the webhook's answer when it refuses it. */
import { readFileSync } from 'node:fs';
import { $ZodError } from 'zod/v4/core';
import { HttpError, PermanentError } from '../../../lib/errors.js';
import { errorResponse, parseJsonBody } from '../../../lib/http/middleware.js';
import type { HttpEvent } from '../../../lib/http/types.js';
import { faultResponse } from '../../../lib/outbound/soap.js';
import type { Route } from './plan.js';

/** The file cannot be read or its webhook cannot be told: nothing was planned (exit 2). */
export class UnusableInput extends Error {}

/** The payload's text and its route: given, or told from its shape. */
export function readPayload(path: string, route: Route | undefined): { text: string; route: Route } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UnusableInput(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!text.trim()) throw new UnusableInput(`${path} is empty`);
  const told = route ?? routeOf(text);
  if (!told)
    throw new UnusableInput(
      `cannot tell which webhook ${path} is for: not SOAP XML, a Zendesk ticket body or a terms acceptance; ` +
        'give --route zendesk|terms|outbound',
    );
  return { text, route: told };
}

/**
 * XML is a Salesforce Outbound Message; JSON with a Zendesk event type or a `ticket` is a Zendesk
 * webhook; an acceptance, a list or `{ acceptances }` is the terms webhook.
 */
export function routeOf(text: string): Route | undefined {
  if (text.trimStart().startsWith('<')) return 'outbound';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(body)) return 'terms';
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if ((typeof record.type === 'string' && record.type.startsWith('zen:event-type:')) || 'ticket' in record)
    return 'zendesk';
  if ('acceptances' in record || 'acceptance_id' in record) return 'terms';
  return undefined;
}

/** The body as the JSON webhooks parse it (declared `application/json`): a bad one is their 400. */
export function jsonBody(text: string): unknown {
  return parseJsonBody({ headers: { 'content-type': 'application/json' }, rawBody: text } as unknown as HttpEvent);
}

/** How the webhook answers a payload it refuses: status, its message, and the body it sends. */
export interface Refusal {
  status: number;
  message: string;
  body: string;
}

/** The webhook's answer to `error`, when it is a refusal of the payload (not a failure of the dry run). */
export function refusalOf(route: Route, error: unknown): Refusal | undefined {
  if (route === 'outbound') {
    if (!(error instanceof HttpError)) return undefined;
    const fault = faultResponse(error.statusCode, error.message);
    return { status: error.statusCode, message: error.message, body: String(fault.body) };
  }
  if (!(error instanceof HttpError || error instanceof $ZodError || error instanceof PermanentError)) return undefined;
  const answer = errorResponse(error, undefined);
  const body = String(answer.body);
  return { status: answer.statusCode ?? 400, message: (JSON.parse(body) as { error: string }).error, body };
}
