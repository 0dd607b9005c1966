/** The gateway's test bed for other packages' tests: a CBOR-RPC client that waits on answers. */
export { TestClient } from './cbor-rpc/test-client.ts';
