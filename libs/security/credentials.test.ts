import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNames } from '@passerine/subjects';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS_FILE, generateCredentials, readCredentialFile, writePrivate } from './credentials.ts';
import { readOneCredential } from './locate.ts';
import { inboxPrefixOf } from './roles.ts';

const names = createNames('psr');
const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'passerine-credentials-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('worker inboxes of stored credentials', () => {
  it('lie under _INBOX., where services may answer', () => {
    const worker = generateCredentials(names, ['alpha']).users.find((u) => u.role === 'worker');
    expect(worker?.inboxPrefix).toBe('_INBOX.psr-worker-alpha');
  });

  it('follow the user in a file written with the old prefix', () => {
    const d = dir();
    const file = generateCredentials(names, ['alpha']);
    const worker = file.users.find((u) => u.role === 'worker')!;
    worker.inboxPrefix = '_INBOX_psr-worker-alpha';
    writePrivate(join(d, CREDENTIALS_FILE), JSON.stringify(file));
    const read = readCredentialFile(d)!.users.find((u) => u.role === 'worker');
    expect(read?.inboxPrefix).toBe(inboxPrefixOf(worker.user));
  });

  it('move under _INBOX. in a one-credential file written with the old prefix', () => {
    const path = join(dir(), 'worker.json');
    writePrivate(
      path,
      JSON.stringify({ user: 'psr-worker-alpha', password: 'p', inboxPrefix: '_INBOX_psr-worker-alpha' }),
    );
    expect(readOneCredential(path).inboxPrefix).toBe('_INBOX.psr-worker-alpha');
  });
});
