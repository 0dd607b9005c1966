import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type DefinitionFile, MAX_DEFINITION_BYTES, parseDefinitionFile } from '@passerine/batch';
import { ValidationError } from '@passerine/core';

/** Most files one definitions directory holds. */
export const MAX_DEFINITION_FILES = 10_000;

/** Every `.yaml` / `.yml` file under a directory, parsed; the first bad one is refused, naming it. */
export async function readDefinitionsDir(dir: string): Promise<DefinitionFile[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ValidationError(`${dir}: not a directory of job definitions`);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  if (files.length > MAX_DEFINITION_FILES) {
    throw new ValidationError(`${dir}: ${files.length} files, more than ${MAX_DEFINITION_FILES}`);
  }
  const parsed: DefinitionFile[] = [];
  for (const path of files) {
    const size = (await stat(path)).size;
    const name = relative(dir, path);
    if (size > MAX_DEFINITION_BYTES) parseDefinitionFile(name, 'x'.repeat(MAX_DEFINITION_BYTES + 1));
    parsed.push(parseDefinitionFile(name, await readFile(path, 'utf8')));
  }
  return parsed;
}
