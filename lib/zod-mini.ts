/**
 * zod/mini, with zod's English messages. Schemas of the code a Lambda function imports are built
 * with it rather than with classic zod: classic zod's methods reach all of zod, so a bundle
 * holds all of it (200 KB) for each cold start to compile, where zod/mini's functions leave a
 * bundle what it uses (README "Bundles and cold starts"). Same validation, same messages.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini sets no locale of its own: without one, every issue would read "Invalid input".
config(en());

export * from 'zod/mini';
