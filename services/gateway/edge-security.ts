import { readFileSync } from 'node:fs';
import { ValidationError } from '@passerine/core';
import {
  type AllowedNetworks,
  allowedNetworks,
  EDGE_ROLES,
  type EdgeToken,
  edgeTlsFrom,
  isLoopbackHost,
  parseTokenFile,
  readEdgeTls,
} from '@passerine/security';

export interface EdgeSecurity {
  allowedNetworks?: AllowedNetworks;
  tokens?: EdgeToken[];
  tls?: ReturnType<typeof readEdgeTls>;
}

/**
 * What the gateway's edges ask of callers, checked before anything listens. CBOR-RPC has no
 * authentication of its own (the Coordinate protocol has none), so beyond loopback it serves only
 * when told which namespaces it may expose, and only the networks it is given.
 */
export function edgeSecurity(
  cborHost: string,
  namespace: string,
  options: {
    cborAllow?: string[];
    cborNamespaces?: string[];
    edgeTokens?: string;
    edgeCert?: string;
    edgeKey?: string;
    edgeClientCa?: string;
  },
): EdgeSecurity {
  const allowed = options.cborNamespaces ?? [];
  if (!isLoopbackHost(cborHost) && !allowed.includes(namespace)) {
    throw new ValidationError(
      `CBOR-RPC on ${cborHost} reaches beyond this machine: --cbor-namespaces must name the namespace it serves (${namespace})`,
    );
  }
  if (allowed.length > 0 && !allowed.includes(namespace)) {
    throw new ValidationError(
      `--cbor-namespaces (${allowed.join(', ')}) does not allow namespace ${namespace}`,
    );
  }
  let tokens: EdgeToken[] | undefined;
  if (options.edgeTokens) {
    let text: string;
    try {
      text = readFileSync(options.edgeTokens, 'utf8');
    } catch (err) {
      throw new ValidationError(`cannot read --edge-tokens ${options.edgeTokens}: ${(err as Error).message}`);
    }
    tokens = parseTokenFile(text, EDGE_ROLES);
    if (tokens.length === 0) throw new ValidationError(`--edge-tokens ${options.edgeTokens} holds no token`);
  }
  const tlsFiles = edgeTlsFrom(options);
  return {
    allowedNetworks: options.cborAllow?.length ? allowedNetworks(options.cborAllow) : undefined,
    tokens,
    tls: tlsFiles && readEdgeTls(tlsFiles),
  };
}
