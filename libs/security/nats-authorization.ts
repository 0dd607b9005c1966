import type { Permissions } from './roles.ts';

export interface NatsUser {
  user: string;
  password: string;
  permissions: Permissions;
}

const quoted = (s: string) => JSON.stringify(s);
const list = (items: string[]) => `[${items.map(quoted).join(', ')}]`;

/**
 * The `authorization` block of a nats-server config: one user per role (and per namespace for
 * workers). nats-server reads it from its own file (included by the main config), so issuing a
 * namespace's worker credential rewrites only this file and reloads the server.
 */
export function renderAuthorization(users: NatsUser[]): string {
  const entries = users.map(({ user, password, permissions: p }) =>
    [
      `    { user: ${quoted(user)}, password: ${quoted(password)}, permissions: {`,
      p.publishDeny?.length
        ? `        publish: { allow: ${list(p.publish)}, deny: ${list(p.publishDeny)} }`
        : `        publish: { allow: ${list(p.publish)} }`,
      `        subscribe: { allow: ${list(p.subscribe)} }`,
      '    } }',
    ].join('\n'),
  );
  return ['authorization {', '  users: [', ...entries, '  ]', '}', ''].join('\n');
}
