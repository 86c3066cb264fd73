/**
 * HTTP statuses of a Salesforce answer worth retrying later: a timeout, a rate limit (420, 429) or
 * a server error. A whole call and a composite subrequest are judged alike.
 */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 420 || status === 429 || status >= 500;
}
