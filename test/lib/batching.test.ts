import { chunkBy, chunkByCount } from '../../lib/batching.js';

describe('chunkBy', () => {
  it('closes a chunk at the count or before the bytes would pass the limit, keeping order', () => {
    const sizes = [4, 4, 4, 1, 1, 1, 1];

    expect(chunkBy(sizes, 3, 8, (size) => size)).toEqual([
      [4, 4],
      [4, 1, 1],
      [1, 1],
    ]);
  });

  it('gives an item larger than the limit a chunk of its own', () => {
    expect(chunkBy([1, 20, 1], 10, 5, (size) => size)).toEqual([[1], [20], [1]]);
  });
});

describe('chunkByCount', () => {
  it('splits by count alone, the last chunk holding the rest', () => {
    expect(chunkByCount([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(chunkByCount([], 3)).toEqual([]);
  });
});
