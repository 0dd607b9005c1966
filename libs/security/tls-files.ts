import { readFileSync } from 'node:fs';
import { ValidationError } from '@passerine/core';

/** Certificate files of an edge that serves TLS (gRPC, HTTP). */
export interface EdgeTlsFiles {
  certFile: string;
  keyFile: string;
  /** When given, clients must show a certificate signed by this authority. */
  clientCaFile?: string;
}

/** What NATS clients are given to speak TLS: the authority to trust, and a certificate to show. */
export interface NatsTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ValidationError(`cannot read the ${what} ${path}: ${(err as Error).message}`);
  }
}

/** The PEM contents of an edge's files, read once at start-up so a bad path stops it there. */
export function readEdgeTls(files: EdgeTlsFiles): { cert: Buffer; key: Buffer; clientCa?: Buffer } {
  return {
    cert: read(files.certFile, 'certificate'),
    key: read(files.keyFile, 'private key'),
    ...(files.clientCaFile && { clientCa: read(files.clientCaFile, 'client authority') }),
  };
}

/**
 * Options for `node:https` (or fastify's `https`) from an edge's files: the HTTP edge's TLS. With
 * a client authority, a client certificate of another authority (or none) is refused in the
 * handshake, before any request is read.
 */
export function httpsOptions(files: EdgeTlsFiles) {
  const { cert, key, clientCa } = readEdgeTls(files);
  return { cert, key, ...(clientCa && { ca: clientCa, requestCert: true, rejectUnauthorized: true }) };
}

/** The edge's files from its settings: both of cert and key, or neither. */
export function edgeTlsFrom(settings: { edgeCert?: string; edgeKey?: string; edgeClientCa?: string }) {
  const { edgeCert, edgeKey, edgeClientCa } = settings;
  if (!edgeCert && !edgeKey) {
    if (edgeClientCa) throw new ValidationError('--edge-client-ca needs --edge-cert and --edge-key');
    return undefined;
  }
  if (!edgeCert || !edgeKey) throw new ValidationError('--edge-cert and --edge-key go together');
  return { certFile: edgeCert, keyFile: edgeKey, ...(edgeClientCa && { clientCaFile: edgeClientCa }) };
}

/** nats.js's `tls` option from the NATS TLS settings; none given means plain TCP. */
export function natsTlsOptions(files: NatsTlsFiles) {
  if (!files.caFile && !files.certFile && !files.keyFile) return {};
  if (Boolean(files.certFile) !== Boolean(files.keyFile)) {
    throw new ValidationError('PASSERINE_NATS_CERT and PASSERINE_NATS_KEY go together');
  }
  return { tls: { ...files } };
}
