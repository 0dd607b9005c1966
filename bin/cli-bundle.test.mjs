import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceStamp } from './cli-bundle.js';

const top = mkdtempSync(join(tmpdir(), 'passerine-stamp-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe("the CLI bundle's source stamp", () => {
  it('changes with an edit, an addition and a removal, and not with node_modules or dist', () => {
    mkdirSync(join(top, 'libs', 'a', 'node_modules'), { recursive: true });
    mkdirSync(join(top, 'libs', 'a', 'dist'), { recursive: true });
    writeFileSync(join(top, 'libs', 'a', 'x.ts'), 'export const x = 1;\n');
    const first = sourceStamp(top, ['libs']);

    writeFileSync(join(top, 'libs', 'a', 'node_modules', 'y.ts'), 'ignored');
    writeFileSync(join(top, 'libs', 'a', 'dist', 'y.js'), 'ignored');
    writeFileSync(join(top, 'libs', 'a', 'notes.txt'), 'not a source');
    expect(sourceStamp(top, ['libs'])).toBe(first);

    // An edit of the same size is seen by its time.
    writeFileSync(join(top, 'libs', 'a', 'x.ts'), 'export const x = 2;\n');
    utimesSync(join(top, 'libs', 'a', 'x.ts'), new Date(), new Date(Date.now() + 5_000));
    const edited = sourceStamp(top, ['libs']);
    expect(edited).not.toBe(first);

    writeFileSync(join(top, 'libs', 'a', 'y.ts'), 'export const y = 1;\n');
    const added = sourceStamp(top, ['libs']);
    expect(added).not.toBe(edited);

    rmSync(join(top, 'libs', 'a', 'y.ts'));
    expect(sourceStamp(top, ['libs'])).not.toBe(added);
  });
});
