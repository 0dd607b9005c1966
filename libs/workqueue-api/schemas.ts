import { z } from 'zod';

/**
 * Request schemas of the work queue's internal NATS API, one per operation. Names and keys are
 * text or bytes (kept apart); data is opaque CBOR bytes as Coordinate clients encoded it.
 */
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a byte string');
const name = z.union([z.string().min(1), bytes.refine((b) => b.length > 0, 'must not be empty')]);
const key = z.union([z.string(), bytes]);
const seconds = z.number().finite();
const status = z.number().int().min(1).max(5);

/** Most units one add request may carry; larger loads are split by the caller (the client does). */
export const MAX_UNITS_PER_ADD = 10_000;
/** Most keys one request may name. */
export const MAX_KEYS_PER_REQUEST = 100_000;

export const schemas = {
  setWorkSpec: z.object({ spec: bytes }),
  delWorkSpec: z.object({ name }),
  getWorkSpec: z.object({ name }),
  listWorkSpecs: z.object({ start: key.nullish(), limit: z.number().int().min(0).nullish() }),
  controlWorkSpec: z.object({
    name,
    changes: z.object({
      status: z.union([z.literal(1), z.literal(2)]).optional(),
      continuous: z.boolean().optional(),
      weight: z.number().finite().optional(),
      interval: seconds.min(0).optional(),
      max_running: z.number().int().min(0).optional(),
    }),
  }),
  getWorkSpecMeta: z.object({ name }),
  addWorkUnits: z.object({
    spec: name,
    units: z
      .array(
        z.object({
          key,
          data: bytes,
          priority: z.number().finite().optional(),
          notBefore: z.number().finite().optional(),
          expiresAt: z.number().finite().optional(),
        }),
      )
      .max(MAX_UNITS_PER_ADD, `at most ${MAX_UNITS_PER_ADD} units per request`),
    idempotencyKey: z.string().max(128).optional(),
  }),
  countWorkUnits: z.object({ spec: name }),
  getWorkUnits: z.object({
    spec: name,
    keys: z.array(key).max(MAX_KEYS_PER_REQUEST).nullish(),
    state: z.union([status, z.array(status)]).nullish(),
    start: key.nullish(),
    limit: z.number().int().min(0).nullish(),
  }),
  getWorkUnitStatus: z.object({ spec: name, keys: z.array(key).max(MAX_KEYS_PER_REQUEST) }),
  prioritizeWorkUnits: z.object({
    spec: name,
    keys: z.array(key).max(MAX_KEYS_PER_REQUEST),
    priority: z.number().finite().nullish(),
    adjustment: z.number().finite().nullish(),
  }),
  delWorkUnits: z.object({
    spec: name,
    all: z.boolean().optional(),
    keys: z.array(key).max(MAX_KEYS_PER_REQUEST).nullish(),
    state: z.union([status, z.array(status)]).nullish(),
  }),
  updateWorkUnit: z.object({
    spec: name,
    key,
    leaseSeconds: seconds.nullish(),
    status: status.nullish(),
    data: bytes.nullish(),
    workerId: z.string().nullish(),
    /** The worker the update comes from, fenced when its lease was lost to a later attempt. */
    fromWorkerId: z.string().nullish(),
  }),
  getWork: z.object({
    workerId: z.string().min(1),
    maxJobs: z.number().int().min(1).optional(),
    leaseSeconds: seconds.nullish(),
    specs: z.array(name).nullish(),
    availableGb: z.number().finite().nullish(),
  }),
  renewAttempt: z.object({
    attemptId: z.string().min(1),
    leaseSeconds: seconds.nullish(),
    data: bytes.nullish(),
  }),
  finishAttempt: z.object({ attemptId: z.string().min(1), data: bytes.nullish() }),
  failAttempt: z.object({ attemptId: z.string().min(1), data: bytes.nullish() }),
  retryAttempt: z.object({
    attemptId: z.string().min(1),
    data: bytes.nullish(),
    delaySeconds: seconds.min(0).nullish(),
  }),
  /** `wire`: the Coordinate edge's form, child ids as the children gave them. */
  getChildWorkUnits: z.object({ workerId: z.string().min(1), wire: z.boolean().optional() }),
  workerHeartbeat: z.object({
    workerId: z.string().min(1),
    wireId: key.nullish(),
    internal: z.boolean().optional(),
    mode: key.nullish(),
    expireSeconds: seconds.nullish(),
    data: bytes.nullish(),
    parent: z.string().nullish(),
  }),
  workerUnregister: z.object({ workerId: z.string().min(1) }),
  getWorkerInfo: z.object({ workerId: z.string().min(1) }),
  /** `wire`: [id, mode] pairs as the workers gave them (the Coordinate edge's form). */
  listWorkerModes: z.object({ wire: z.boolean().optional() }),
  modeCounts: z.object({ wire: z.boolean().optional() }),
  workerStats: z.object({}),
  getConfig: z.object({}),
  archive: z.object({ maxAgeSeconds: seconds.min(0), spec: name.nullish() }),
  clear: z.object({}),
  unitHistory: z.object({ spec: name, key }),
  workerAttempts: z.object({ workerId: z.string().min(1) }),
  summary: z.object({}),
} as const;

export type Operation = keyof typeof schemas;
export type RequestOf<Op extends Operation> = z.input<(typeof schemas)[Op]>;
export const operations = Object.keys(schemas) as Operation[];
