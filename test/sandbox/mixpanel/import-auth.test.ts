import type { MixpanelEmulator } from '../../../sandbox/mixpanel/index.js';
import { anEvent, basic, postImport, serviceAccountAuth, startMixpanel, tokenAuth } from './fixtures.js';

const INVALID_CREDENTIALS = { code: 401, error: 'Invalid credentials', status: 'Unauthorized' };

describe('POST /import authentication', () => {
  let mp: MixpanelEmulator;
  beforeAll(async () => {
    mp = await startMixpanel({
      projectId: '42',
      projectToken: 'tok-42',
      serviceAccounts: [{ username: 'sa.one', secret: 's3cret' }],
    });
  });
  afterEach(() => mp.reset());
  afterAll(() => mp.stop());

  it.each([
    ['a service account with the matching project_id', () => serviceAccountAuth(mp), 'strict=1&project_id=42'],
    ['the project token with an empty password', () => tokenAuth(mp), 'strict=1'],
    ['the project token with the matching project_id', () => tokenAuth(mp), 'strict=1&project_id=42'],
  ])('accepts %s', async (_label, auth, query) => {
    // Arrange
    const events = [anEvent()];

    // Act
    const res = await postImport(mp, events, { auth: auth(), query });

    // Assert
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 200, num_records_imported: 1, status: 'OK' });
  });

  it.each([
    ['no Authorization header', '', 'strict=1&project_id=42'],
    ['a service account without project_id', basic('sa.one', 's3cret'), 'strict=1'],
    ['a service account with another project_id', basic('sa.one', 's3cret'), 'strict=1&project_id=43'],
    ['a wrong service account secret', basic('sa.one', 'nope'), 'strict=1&project_id=42'],
    ['an unknown service account', basic('sa.two', 's3cret'), 'strict=1&project_id=42'],
    ['another project token', basic('tok-43', ''), 'strict=1'],
    ['the token with a non-empty password', basic('tok-42', 'x'), 'strict=1'],
    ['the token with another project_id', basic('tok-42', ''), 'strict=1&project_id=43'],
    ['a non-Basic scheme', 'Bearer tok-42', 'strict=1'],
  ])('answers 401 Invalid credentials for %s and imports nothing', async (_label, auth, query) => {
    // Act
    const res = await postImport(mp, [anEvent()], { auth, query });

    // Assert
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(INVALID_CREDENTIALS);
    expect(mp.events()).toEqual([]);
  });
});
