import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An HTTP API (payload v2) event with the body decoded to text for signature checks. */
export type HttpEvent = APIGatewayProxyEventV2 & { rawBody: string };
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** A JSON answer with the request id header every response carries. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
