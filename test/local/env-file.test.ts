import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSettings, portSetting } from '../../local/env-file.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'env-file-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('localSettings', () => {
  it('reads .env of the folder, lets the environment win, and treats empty values as unset', () => {
    writeFileSync(join(folder, '.env'), 'SQS_PORT=4999\nHUB_PORT=\nENV_FILE_TEST_ONLY=from-file\n');
    process.env.ENV_FILE_TEST_ONLY = 'from-env';

    const settings = localSettings(folder);
    delete process.env.ENV_FILE_TEST_ONLY;

    expect(settings.SQS_PORT).toBe('4999');
    expect(settings.ENV_FILE_TEST_ONLY).toBe('from-env');
    expect('HUB_PORT' in settings).toBe(process.env.HUB_PORT !== undefined && process.env.HUB_PORT !== '');
    expect(portSetting(settings, 'SQS_PORT', 4566)).toBe(4999);
    expect(portSetting({}, 'SQS_PORT', 4566)).toBe(4566);
    expect(() => portSetting({ SQS_PORT: 'abc' }, 'SQS_PORT', 4566)).toThrow('SQS_PORT must be a port number');
  });

  it('works without a .env file', () => {
    expect(localSettings(folder).PATH).toBe(process.env.PATH);
  });
});
