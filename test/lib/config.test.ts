import { jest } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, parseEnv, parseJsonSetting, resolveSecrets } from '../../lib/config.js';

describe('parseEnv', () => {
  const shape = { API_URL: z.url(), BATCH: z.coerce.number().int().default(200), NAME: z.string().min(1) };

  it('parses and applies defaults', () => {
    expect(parseEnv(shape, { API_URL: 'https://x.test', NAME: 'hub' })).toEqual({
      API_URL: 'https://x.test',
      BATCH: 200,
      NAME: 'hub',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(() => parseEnv(shape, { API_URL: 'https://x.test', NAME: '' })).toThrow('NAME is not set');
  });

  it('names every missing or invalid variable', () => {
    expect(() => parseEnv(shape, { API_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => parseEnv(shape, { API_URL: 'not a url' })).toThrow(/API_URL: .*; NAME is not set/);
  });
});

describe('resolveSecrets', () => {
  it('prefers the variable itself, else reads the SSM path in NAME_SSM', async () => {
    const read = jest.fn(async (path: string) => (path === '/sb/prod/token' ? 's3cret' : undefined));

    const secrets = await resolveSecrets(['A', 'TOKEN'], read, { A: 'direct', TOKEN_SSM: '/sb/prod/token' });

    expect(secrets).toEqual({ A: 'direct', TOKEN: 's3cret' });
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('names the secrets it cannot find without printing any value', async () => {
    const attempt = resolveSecrets(['A', 'B'], async () => undefined, { A: 'visible-value', B_SSM: '/missing' });

    await expect(attempt).rejects.toThrow('Missing secrets: B (SSM parameter /missing is empty or missing)');
  });
});

describe('parseJsonSetting', () => {
  const Shape = z.object({ fields: z.record(z.string(), z.number()) });

  it('names the setting and the path of every problem', () => {
    expect(() => parseJsonSetting('SOME_MAPPING', '{"fields":{"a":"x"}}', Shape)).toThrow(
      'SOME_MAPPING is invalid: fields.a: Invalid input: expected number, received string',
    );
    expect(() => parseJsonSetting('SOME_MAPPING', '{"fields":', Shape)).toThrow(/^SOME_MAPPING is not JSON: /);
  });

  it('gives the parsed value', () => {
    expect(parseJsonSetting('SOME_MAPPING', '{"fields":{"a":1}}', Shape)).toEqual({ fields: { a: 1 } });
  });
});
