import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files of one certificate authority and the certificates it signed. */
export interface TestAuthority {
  caFile: string;
  /** For servers (and cluster routes): valid for 127.0.0.1 and localhost, server and client use. */
  server: { certFile: string; keyFile: string };
  /** For clients that must show one. */
  client: { certFile: string; keyFile: string };
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function signed(dir: string, name: string, subject: string, extensions: string) {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  await writeFile(join(dir, `${name}.ext`), extensions);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, ['req', ...ec, '-keyout', keyFile, '-out', `${name}.csr`, '-subj', subject]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
  return { certFile, keyFile };
}

/**
 * A certificate authority made for one test, with the openssl command line (present wherever
 * nats-server's tests run): a server certificate for loopback and a client certificate.
 */
export async function makeTestAuthority(dir: string, name = 'Passerine test CA'): Promise<TestAuthority> {
  await mkdir(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
  const server = await signed(
    dir,
    'server',
    '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const client = await signed(dir, 'client', '/CN=passerine-client', 'extendedKeyUsage=clientAuth\n');
  return { caFile: join(dir, 'ca.pem'), server, client };
}
