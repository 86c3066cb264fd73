import type { AccountUsage } from '../aggregate.js';
import type { AccountFigure } from './settings.js';

/** An Account row as the write phase upserts it by `App_Account_Id__c`. */
export type SalesforceAccountRow = Record<string, string | number | null>;

/**
 * The Account row of an account's figures under the configured field names, and the figures that
 * decide whether it changed: everything but `asOf`, which moves every night and would otherwise
 * rewrite every Account. So `asOf`'s field says when the figures last changed.
 */
export function salesforceRecord(
  account: AccountUsage,
  asOf: number,
  fields: Readonly<Record<string, AccountFigure>>,
): { row: SalesforceAccountRow; figures: Record<string, string | number | null> } {
  const row: SalesforceAccountRow = { App_Account_Id__c: account.accountId };
  const figures: Record<string, string | number | null> = {};
  for (const [field, figure] of Object.entries(fields)) {
    const value = figureOf(account, asOf, figure);
    row[field] = value;
    if (figure !== 'asOf') figures[field] = value;
  }
  return { row, figures };
}

function figureOf(account: AccountUsage, asOf: number, figure: AccountFigure): string | number | null {
  switch (figure) {
    case 'asOf':
      return new Date(asOf).toISOString();
    case 'lastActiveAt':
      return account.lastActiveAt === null ? null : new Date(account.lastActiveAt).toISOString();
    default:
      return account[figure];
  }
}
