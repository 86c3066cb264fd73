import { measureImportFloors } from '../../bench/cold-start.js';

describe('measureImportFloors', () => {
  it('times each dependency imported alone in a fresh process, resolved from the repository', async () => {
    // Act
    const floors = await measureImportFloors(['zod', 'fast-xml-parser'], 1);

    // Assert: a module that failed to load would have printed no time and thrown
    expect(floors.map((floor) => floor.specifier)).toEqual(['zod', 'fast-xml-parser']);
    for (const floor of floors) expect(floor.importMs).toBeGreaterThan(0);
  }, 60_000);

  it('names a dependency that cannot be resolved', async () => {
    await expect(measureImportFloors(['no-such-package-here'], 1)).rejects.toThrow(/no-such-package-here/);
  });
});
