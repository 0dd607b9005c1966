/**
 * Builds a nats-server config file. The embedded default and tests derive theirs from the
 * project's nats.conf: the base settings stay, the `cluster` block and the includes (the compose
 * file's users) are cut out, and listen address, port, store directory, cluster routes and users
 * are set here.
 */
export interface ServerConfigOptions {
  host: string;
  port: number;
  storeDir: string;
  serverName: string;
  /** The project's nats.conf text to start from (its cluster block and includes are dropped). */
  base?: string;
  cluster?: { name: string; port: number; routes: number[] };
  maxPayload?: number;
  /** A file holding the `authorization` block (users per role); included, so a reload rereads it. */
  authorizationFile?: string;
  /** TLS for clients and, when clustered, for routes; `verify` asks clients for a certificate. */
  tls?: ServerTls;
}

export interface ServerTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  verify?: boolean;
}

function tlsBlock(tls: ServerTls, indent = ''): string[] {
  return [
    `${indent}tls {`,
    `${indent}  cert_file: ${JSON.stringify(tls.certFile)}`,
    `${indent}  key_file: ${JSON.stringify(tls.keyFile)}`,
    `${indent}  ca_file: ${JSON.stringify(tls.caFile)}`,
    tls.verify ? `${indent}  verify: true` : '',
    `${indent}}`,
  ].filter(Boolean);
}

export function stripBlock(conf: string, block: string): string {
  const start = new RegExp(`^\\s*${block}\\s*[:=]?\\s*\\{`, 'm').exec(conf);
  if (!start) return conf;
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < conf.length; i++) {
    if (conf[i] === '{') depth++;
    else if (conf[i] === '}' && --depth === 0) return conf.slice(0, start.index) + conf.slice(i + 1);
  }
  return conf.slice(0, start.index);
}

/**
 * Drops the keys we set ourselves so the file never says them twice. Includes go too: nats.conf's
 * names the cluster's users, and a relative include would be read beside the generated file, not
 * beside the base, so none could be kept as written; the users come from `authorizationFile`.
 */
function withoutOwnKeys(conf: string): string {
  let out = stripBlock(stripBlock(conf, 'cluster'), 'jetstream');
  out = out.replace(/^\s*include\s.*$/gm, '');
  out = out.replace(
    /^\s*(port|http_port|https_port|monitor_port|host|listen|server_name|max_payload)\s*[:=].*$/gm,
    '',
  );
  return out.trim();
}

function jetstreamBlock(conf: string | undefined, storeDir: string): string {
  const inner = conf ? /^\s*jetstream\s*[:=]?\s*\{([\s\S]*?)\}/m.exec(conf)?.[1] : undefined;
  const kept = (inner ?? '')
    .split('\n')
    .filter((line) => line.trim() && !/^\s*store_dir\s*[:=]/.test(line))
    .map((line) => `  ${line.trim()}`);
  return ['jetstream {', `  store_dir: ${JSON.stringify(storeDir)}`, ...kept, '}'].join('\n');
}

export function buildServerConfig(o: ServerConfigOptions): string {
  const lines = [
    o.base ? withoutOwnKeys(o.base) : '',
    `server_name: ${JSON.stringify(o.serverName)}`,
    `host: ${JSON.stringify(o.host)}`,
    `port: ${o.port}`,
    o.maxPayload ? `max_payload: ${o.maxPayload}` : '',
    jetstreamBlock(o.base, o.storeDir),
    o.authorizationFile ? `include ${JSON.stringify(o.authorizationFile)}` : '',
    ...(o.tls ? tlsBlock(o.tls) : []),
  ];
  if (o.cluster) {
    lines.push(
      'cluster {',
      `  name: ${JSON.stringify(o.cluster.name)}`,
      `  listen: "${o.host}:${o.cluster.port}"`,
      `  routes: [${o.cluster.routes.map((p) => `"${o.tls ? 'tls' : 'nats-route'}://${o.host}:${p}"`).join(', ')}]`,
      // Routes show certificates both ways: a node of another authority cannot join.
      ...(o.tls ? tlsBlock({ ...o.tls, verify: true }, '  ') : []),
      '}',
    );
  }
  return `${lines.filter(Boolean).join('\n')}\n`;
}
