import { SendCoalescer } from '../../../lib/clients/send-coalescer.js';

/** A coalescer whose flush records what it was given and fails the items `fails` names. */
function recording(fails: (item: string) => Error | undefined = () => undefined) {
  const flushes: Array<{ destination: string; items: string[] }> = [];
  const coalescer = new SendCoalescer<string>((destination, items) => {
    flushes.push({ destination, items: [...items] });
    return Promise.resolve(items.map(fails));
  });
  return { coalescer, flushes };
}

const settled = (promises: Array<Promise<void>>) =>
  Promise.allSettled(promises).then((results) =>
    results.map((result) => (result.status === 'fulfilled' ? 'ok' : (result.reason as Error).message)),
  );

describe('SendCoalescer', () => {
  it('sends what concurrent callers give one destination in the same turn together, in order', async () => {
    const { coalescer, flushes } = recording();

    const answers = await settled([
      coalescer.send('q', ['a']),
      coalescer.send('q', ['b', 'c']),
      coalescer.send('q', ['d']),
    ]);

    expect(answers).toEqual(['ok', 'ok', 'ok']);
    expect(flushes).toEqual([{ destination: 'q', items: ['a', 'b', 'c', 'd'] }]);
  });

  it('never mixes destinations, and a later turn starts a new send', async () => {
    const { coalescer, flushes } = recording();

    await Promise.all([coalescer.send('q1', ['a']), coalescer.send('q2', ['b'])]);
    await coalescer.send('q1', ['c']);

    expect(flushes).toEqual([
      { destination: 'q1', items: ['a'] },
      { destination: 'q2', items: ['b'] },
      { destination: 'q1', items: ['c'] },
    ]);
  });

  it('fails only the callers whose own items failed, each with its first failure', async () => {
    const { coalescer } = recording((item) => (item.startsWith('bad') ? new Error(`refused ${item}`) : undefined));

    const answers = await settled([
      coalescer.send('q', ['a']),
      coalescer.send('q', ['b', 'bad-1', 'bad-2']),
      coalescer.send('q', ['c']),
    ]);

    expect(answers).toEqual(['ok', 'refused bad-1', 'ok']);
  });

  it('answers a caller with several failures with the one its pick chooses', async () => {
    const coalescer = new SendCoalescer<string>(
      (_destination, items) => Promise.resolve(items.map((item) => new Error(item))),
      (errors) => errors.find((error) => error.message === 'worst') ?? errors[0]!,
    );

    const answers = await settled([coalescer.send('q', ['minor', 'worst']), coalescer.send('q', ['other'])]);

    expect(answers).toEqual(['worst', 'other']);
  });

  it('fails every caller of a flush that throws, and keeps working afterwards', async () => {
    let broken = true;
    const coalescer = new SendCoalescer<string>((_destination, items) =>
      broken ? Promise.reject(new Error('network down')) : Promise.resolve(items.map(() => undefined)),
    );

    const answers = await settled([coalescer.send('q', ['a']), coalescer.send('q', ['b'])]);
    broken = false;

    expect(answers).toEqual(['network down', 'network down']);
    await expect(coalescer.send('q', ['c'])).resolves.toBeUndefined();
  });
});
