export {
  inboxPrefixOf,
  type Permissions,
  type Role,
  ROLES,
  rolePermissions,
  SERVICE_ROLES,
  type ServiceRole,
  unionOf,
  userOf,
} from './roles.ts';
export { type NatsUser, renderAuthorization } from './nats-authorization.ts';
export {
  AUTHORIZATION_FILE,
  authorizationOf,
  CREDENTIALS_FILE,
  type CredentialFile,
  EMBEDDED_ROLE,
  findCredential,
  generateCredentials,
  issueWorkerCredential,
  type NatsCredential,
  readCredentialFile,
  saveCredentials,
  type StoredCredential,
  writePrivate,
} from './credentials.ts';
export {
  bearerOf,
  checkBearer,
  EDGE_ROLES,
  type EdgeRole,
  type EdgeToken,
  parseTokenFile,
  type TokenCheck,
  type TokenNeed,
} from './bearer.ts';
export { type AllowedNetworks, allowedNetworks, isLoopbackHost } from './networks.ts';
export { type CredentialQuery, locateNatsCredential, natsAuthOptions, readOneCredential } from './locate.ts';
export {
  createHttpTokenCheck,
  type HttpAccess,
  type HttpRequestLike,
  HTTP_ROLES,
  type HttpTokenCheck,
  httpNeed,
} from './http-token-check.ts';
export {
  type EdgeTlsFiles,
  edgeTlsFrom,
  httpsOptions,
  type NatsTlsFiles,
  natsTlsOptions,
  readEdgeTls,
} from './tls-files.ts';
