/**
 * What `switchboard`'s exit status means, the same for every command, so a script or a CI job can
 * tell "found a problem" from "could not look".
 */
export const EXIT = {
  /** The command did what it was asked, and what it checked is fine. */
  ok: 0,
  /** The command ran and found a problem: a flagged acceptance, a failed run, messages left behind. */
  problem: 1,
  /** The command line is wrong: nothing was read or written. */
  usage: 2,
  /** The hub, the stage or an API could not be reached, or settings are missing: nothing was changed. */
  unreachable: 3,
} as const;

/**
 * Whether an error says the other end never answered (not that it answered with a refusal), or
 * that there are no AWS credentials to ask it with.
 */
export function isUnreachable(error: unknown): boolean {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  // The SDK's "Could not load credentials from any providers" says so only in the error's name.
  const message = error instanceof Error ? `${error.name} ${error.message} ${cause}` : String(error);
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|did not answer|socket hang up|CredentialsProviderError/i.test(
    message,
  );
}
