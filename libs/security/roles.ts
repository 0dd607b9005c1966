import { ValidationError } from '@passerine/core';
import { BATCH_OPERATIONS, encodeToken, type Names } from '@passerine/subjects';

/**
 * Who may say what on NATS. Every allow list is built from `Names`, the one module that names
 * subjects, so a renamed subject moves its permission with it. Service roles are trusted parts of
 * an installation and keep JetStream's API, less what would destroy history (see historyGuards);
 * a worker is a program of one namespace and reaches Passerine only through that namespace's
 * work-queue calls and its own inbox.
 */
export const SERVICE_ROLES = ['frontend', 'node-monitor', 'store', 'dispatcher', 'gateway'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
export const ROLES = [...SERVICE_ROLES, 'worker', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Permissions {
  publish: string[];
  /** Refused even where `publish` allows (NATS: deny wins). */
  publishDeny?: string[];
  subscribe: string[];
}

/**
 * Reply subjects of one user: a worker's replies cannot be read by another namespace's worker. They
 * lie under `_INBOX.`, where services may publish, so that no role needs NATS's allow_responses:
 * nats-server 2.9 records every reply subject delivered to such a client and, once it holds 4096,
 * rescans them all on each delivery, while replies to subjects the client may publish to anyway
 * never clear them. Under a store's load that scan took most of the server's CPU.
 */
export function inboxPrefixOf(user: string): string {
  return `_INBOX.${encodeToken(user).replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The NATS user name of a role, one per namespace for workers. */
export function userOf(names: Names, role: Role, namespace?: string): string {
  if (role !== 'worker') return `${names.prefix}-${role}`;
  if (!namespace) throw new ValidationError('a worker credential names its namespace');
  return `${names.prefix}-worker-${encodeToken(namespace)}`;
}

/** What every service needs of JetStream: its API, acks and flow control, KV and object buckets. */
function jetStreamUse(names: Names): string[] {
  return [
    '$JS.API.>',
    '$JS.ACK.>',
    '$JS.FC.>',
    ...names.buckets.flatMap((bucket) => [`$KV.${bucket}.>`, `$O.${bucket}.>`]),
  ];
}

/**
 * The JetStream calls no service makes, refused so a service's credential cannot destroy history:
 * deleting a stream or bucket, deleting one event, purging the event or log stream. The store
 * alone purges the event stream, after compaction has copied the range to the archive. Object
 * stores purge their own chunks when an object is replaced, so their purges stay allowed.
 */
function historyGuards(names: Names, role: ServiceRole): string[] {
  return [
    '$JS.API.STREAM.DELETE.>',
    '$JS.API.STREAM.MSG.DELETE.>',
    `$JS.API.STREAM.PURGE.${names.logStream}`,
    ...(role === 'store' ? [] : [`$JS.API.STREAM.PURGE.${names.eventStream}`]),
  ];
}

/** Wildcard forms of the per-id subjects (`*` stands where an id goes). */
function anyId(names: Names) {
  const wq = names.workQueueRpc('x', 'x').split('.').slice(0, -2).join('.');
  return {
    frontends: names.frontend('x', 'getTask').replace(/\.x\.getTask$/, '.*.*'),
    nodeMonitors: names.nodeMonitor('x', 'reserve').replace(/\.x\.reserve$/, '.*.*'),
    jobRpc: names.jobRpc('status').replace(/\.status$/, '.*'),
    workQueueRpc: `${wq}.>`,
    workerTasks: names.workerTasks('x').replace(/\.x$/, '.*'),
    jobEvents: names.allJobEvents,
    namespaceEvents: names.namespaceFilter('x').replace(/\.x\.>$/, '.>'),
    batchRpc: names.batchRpc(BATCH_OPERATIONS[0]).replace(/\.[^.]+$/, '.*'),
  };
}

function servicePermissions(names: Names, role: ServiceRole): Permissions {
  const any = anyId(names);
  const js = jetStreamUse(names);
  const inbox = '_INBOX.>';
  const roles: Record<ServiceRole, { publish: string[]; subscribe: string[] }> = {
    frontend: {
      publish: [any.nodeMonitors, any.frontends, any.jobEvents, names.allJobWatch, names.allLogs],
      // The pump of executable specs watches the jobs it submits and their logs.
      subscribe: [
        any.frontends,
        any.jobRpc,
        names.submitJob,
        any.jobEvents,
        names.allJobWatch,
        names.allLogs,
      ],
    },
    'node-monitor': {
      publish: [any.frontends, names.allLogs, any.workerTasks],
      subscribe: [any.nodeMonitors],
    },
    store: {
      publish: [any.namespaceEvents, names.openNamespace],
      subscribe: [any.workQueueRpc, names.openNamespace, any.namespaceEvents],
    },
    dispatcher: {
      publish: [names.allBatchEvents, names.submitJob, any.jobRpc],
      subscribe: [any.batchRpc, names.allJobWatch],
    },
    gateway: {
      publish: [
        any.workQueueRpc,
        names.openNamespace,
        names.submitJob,
        any.jobRpc,
        any.frontends,
        any.nodeMonitors,
        // The metrics endpoint gathers every process's registry.
        names.metricsGather,
      ],
      subscribe: [any.workerTasks, names.allJobWatch, names.allLogs],
    },
  };
  // Frontends and the pump read work queues as a client does; node monitors read their task's spec.
  if (role === 'frontend' || role === 'node-monitor')
    roles[role].publish.push(any.workQueueRpc, names.openNamespace);
  return {
    // Replies, and the task notices submitters ask for in an inbox named in the job itself, go to
    // inboxes (every role's, workers' included, are under `_INBOX.`).
    publish: [...roles[role].publish, ...js, inbox],
    publishDeny: historyGuards(names, role),
    // Every process answers the gateway's metrics gathering.
    subscribe: [...roles[role].subscribe, names.metricsGather, ...js, inbox],
  };
}

/** The permissions of a role; a worker's are those of one namespace. */
export function rolePermissions(names: Names, role: Role, namespace?: string): Permissions {
  if (role === 'admin') return { publish: ['>'], subscribe: ['>'] };
  if (role === 'worker') {
    const user = userOf(names, role, namespace);
    const ns = namespace as string;
    const calls = names.workQueueRpc(ns, 'x').replace(/\.x$/, '.*');
    return {
      publish: [calls, names.openNamespace],
      subscribe: [`${inboxPrefixOf(user)}.>`],
    };
  }
  return servicePermissions(names, role);
}

/** The union of several roles, for one process that runs several services on one connection. */
export function unionOf(names: Names, roles: readonly ServiceRole[]): Permissions {
  const all = roles.map((role) => servicePermissions(names, role));
  // A call is refused to the union only when every role refuses it.
  const denied = all.map((p) => new Set(p.publishDeny));
  return {
    publish: [...new Set(all.flatMap((p) => p.publish))],
    publishDeny: [...denied[0]].filter((subject) => denied.every((set) => set.has(subject))),
    subscribe: [...new Set(all.flatMap((p) => p.subscribe))],
  };
}
