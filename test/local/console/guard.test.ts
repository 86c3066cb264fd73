import { consoleGuard, refusal, TOKEN_HEADER } from '../../../local/console/guard.js';

const guard = consoleGuard('http://127.0.0.1:3000');
const own = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', [TOKEN_HEADER]: guard.token };

describe('the console guard', () => {
  it('serves reads on the hub loopback address, by IP or as localhost', () => {
    expect(refusal('GET', { host: '127.0.0.1:3000' }, guard)).toBeUndefined();
    expect(refusal('GET', { host: 'localhost:3000' }, guard)).toBeUndefined();
  });

  it('refuses a request naming another host, as a DNS-rebinding page does', () => {
    expect(refusal('GET', { host: 'attacker.example:3000' }, guard)?.status).toBe(421);
  });

  it('lets a POST from its own page with the token through', () => {
    expect(refusal('POST', own, guard)).toBeUndefined();
  });

  it('refuses a cross-site POST even with the right token', () => {
    expect(refusal('POST', { ...own, origin: 'http://evil.example' }, guard)?.status).toBe(403);
  });

  it('refuses a POST without an Origin, without the token or with a wrong one', () => {
    const { origin: _origin, ...noOrigin } = own;
    expect(refusal('POST', noOrigin, guard)?.status).toBe(403);
    expect(refusal('POST', { ...own, [TOKEN_HEADER]: undefined }, guard)?.status).toBe(403);
    expect(refusal('POST', { ...own, [TOKEN_HEADER]: 'x'.repeat(guard.token.length) }, guard)?.status).toBe(403);
  });

  it('gives every hub start a token of its own', () => {
    expect(consoleGuard('http://127.0.0.1:3000').token).not.toBe(guard.token);
  });
});
