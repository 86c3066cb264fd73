import { measureImportFloors } from '../../bench/cold-start.js';

describe('measureImportFloors', () => {
  it('times each dependency bundled as the functions are and imported alone in a fresh process', async () => {
    // Act
    const floors = await measureImportFloors(
      [
        { name: 'zod/mini', source: "import * as z from '~/lib/zod-mini.js';\nz.string().parse('x');" },
        { name: 'fast-xml-parser', source: "import { XMLParser } from 'fast-xml-parser';\nnew XMLParser();" },
      ],
      1,
    );

    // Assert: a module that failed to load would have printed no time and thrown
    expect(floors.map((floor) => floor.name)).toEqual(['zod/mini', 'fast-xml-parser']);
    for (const floor of floors) expect(floor.importMs).toBeGreaterThan(0);
  }, 60_000);

  it('names a dependency that cannot be resolved', async () => {
    await expect(
      measureImportFloors([{ name: 'missing', source: "import 'no-such-package-here';" }], 1),
    ).rejects.toThrow(/no-such-package-here/);
  });

  it('fails when the bundle throws while it is imported', async () => {
    await expect(
      measureImportFloors([{ name: 'throws', source: "throw new Error('refused at import');" }], 1),
    ).rejects.toThrow();
  });
});
