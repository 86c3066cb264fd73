import { createInterface } from 'node:readline/promises';

/**
 * Asks a yes/no question on the terminal (the prompt on stderr, so stdout stays the command's
 * output); only "y" or "yes" is a yes. Call it only when stdin is a TTY.
 */
export async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
