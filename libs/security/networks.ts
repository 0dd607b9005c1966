import { BlockList, isIP } from 'node:net';
import { ValidationError } from '@passerine/core';

/** Networks an edge accepts connections from, e.g. `10.0.0.0/8,127.0.0.1/32`. */
export interface AllowedNetworks {
  allows(address: string | undefined): boolean;
  readonly description: string;
}

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** Node's own BlockList does the matching; this only reads the list and names a bad entry. */
export function allowedNetworks(cidrs: readonly string[]): AllowedNetworks {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const kind = isIP(address ?? '');
    const max = kind === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (!kind || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new ValidationError(`allowed network ${JSON.stringify(cidr)} is not an address or address/bits`);
    }
    list.addSubnet(address as string, prefix, family(address as string));
  }
  return {
    description: cidrs.join(','),
    allows(address) {
      if (!address) return false;
      // A v4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
      const plain =
        address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
      return list.check(plain, family(plain));
    },
  };
}

/** Whether a listen address keeps an edge on this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
