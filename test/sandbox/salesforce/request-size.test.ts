import type { SalesforceEmulator } from '../../../sandbox/salesforce/index.js';
import { startTestOrg } from './factories.js';

const LIMIT = 16_384;
const QUERY = '/services/data/v62.0/query?q=';

describe('Salesforce emulator request size limit (URI + headers ≤ 16,384 bytes)', () => {
  let sf: SalesforceEmulator;
  beforeEach(async () => {
    sf = await startTestOrg();
  });
  afterEach(async () => sf.stop());

  /** A query whose URI is exactly `bytes` long, padded with spaces inside a quoted literal. */
  const uriOf = (bytes: number) => {
    const head = `${QUERY}${encodeURIComponent("SELECT Id FROM Contact WHERE Email = '")}`;
    const tail = encodeURIComponent("'");
    return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
  };
  const get = (uri: string, headers: Record<string, string> = {}) =>
    fetch(`${sf.url}${uri}`, { headers: { authorization: `Bearer ${sf.accessToken}`, ...headers } });

  it('answers 414 URI Too Long for a URI over 16,384 bytes, whatever the headers', async () => {
    const res = await get(uriOf(LIMIT + 1));

    expect(res.status).toBe(414);
    expect(sf.calls().byEndpoint).toEqual({ query: 1 });
    expect(sf.apiUsage().used).toBe(0);
  });

  it('answers 431 when the URI fits but URI and headers together do not', async () => {
    const res = await get(uriOf(LIMIT - 1000), { 'x-padding': 'p'.repeat(1000) });

    expect(res.status).toBe(431);
  });

  it('serves a request whose URI and headers fit', async () => {
    const res = await get(uriOf(LIMIT - 1000));

    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalSize: number }).totalSize).toBe(0);
  });

  it('answers 414 rather than dropping the connection for a URI far over the limit', async () => {
    const res = await get(uriOf(300_000));

    expect(res.status).toBe(414);
  });
});
