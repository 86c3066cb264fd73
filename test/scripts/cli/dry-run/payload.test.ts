import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboundFixture } from '../../../support/outbound-messages.js';
import { acceptanceBody } from '../../../support/terms.js';
import { jsonBody, readPayload, refusalOf, routeOf, UnusableInput } from '../../../../scripts/cli/dry-run/payload.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'dry-run-payload-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('routeOf', () => {
  it('tells each webhook from the shape of its payload', () => {
    const routes = [
      outboundFixture('case-refund.xml'),
      JSON.stringify({ type: 'zen:event-type:ticket.created', detail: {} }),
      JSON.stringify({ ticket: { id: '1' } }),
      JSON.stringify(acceptanceBody(1)),
      JSON.stringify([acceptanceBody(1)]),
      JSON.stringify({ acceptances: [] }),
      JSON.stringify({ hello: 'world' }),
      'not json',
    ].map(routeOf);

    expect(routes).toEqual(['outbound', 'zendesk', 'zendesk', 'terms', 'terms', 'terms', undefined, undefined]);
  });
});

describe('readPayload', () => {
  it('refuses a missing file, an empty one and one whose webhook cannot be told as unusable input', () => {
    const empty = join(dir, 'empty.json');
    const unknown = join(dir, 'unknown.json');
    writeFileSync(empty, '  \n');
    writeFileSync(unknown, '{"hello":"world"}');

    const attempts = [join(dir, 'missing.json'), empty, unknown].map((path) => {
      try {
        return readPayload(path, undefined);
      } catch (error) {
        return error instanceof UnusableInput ? error.message : error;
      }
    });

    expect(attempts).toEqual([
      expect.stringContaining('ENOENT'),
      expect.stringContaining('is empty'),
      expect.stringContaining('give --route'),
    ]);
  });

  it('takes the route it is given over the payload’s shape', () => {
    const file = join(dir, 'given.json');
    writeFileSync(file, '{"hello":"world"}');

    expect(readPayload(file, 'terms')).toEqual({ text: '{"hello":"world"}', route: 'terms' });
  });
});

describe('refusalOf', () => {
  it('answers a body that is not JSON as the JSON webhooks do: 400 with the parser’s complaint', () => {
    let thrown: unknown;
    try {
      jsonBody('{"broken"');
    } catch (error) {
      thrown = error;
    }

    expect(refusalOf('terms', thrown)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^Request body is not valid JSON: /),
    });
  });

  it('leaves an error that is no refusal of the payload to the caller', () => {
    expect(refusalOf('zendesk', new Error('socket hang up'))).toBeUndefined();
  });
});
