/**
 * How much an environment's instances and database can take, from their types: vCPUs (one API
 * worker each) and MySQL's default `max_connections`. The config check uses these to size each
 * worker's connection pool so that the whole group at its largest stays under the database's limit.
 */
import { connectionsPerInstance } from '../../api/contract/api-settings';
import type { Checker } from './checker';
import type { ComputeConfig, DatabaseConfig } from './schema';

/** Connections kept free for operators, the database set-up function, migrations and RDS itself. */
export const RESERVED_CONNECTIONS = 10;
/** The pool a worker gets when the budget allows: the API's own default. */
export const DEFAULT_POOL_MAX = 10;
/** Fewer connections than this per worker would queue most requests behind one another. */
export const MIN_POOL_MAX = 2;

/**
 * vCPUs of an EC2 instance type by its size: nano to large have 2 (t2's smallest 1), xlarge 4,
 * Nxlarge 4N. Undefined for a size this does not know (metal, ...).
 */
export function vcpusOf(instanceType: string): number | undefined {
  const [family, size] = instanceType.split('.');
  if (family === 't2' && ['nano', 'micro', 'small'].includes(size)) return 1;
  if (['nano', 'micro', 'small', 'medium', 'large'].includes(size)) return 2;
  const xlarge = /^(\d*)xlarge$/.exec(size ?? '');
  return xlarge ? 4 * Number(xlarge[1] || 1) : undefined;
}

/**
 * API workers of a Fargate task: one per whole vCPU (1024 units), and one for a fraction of a vCPU,
 * where a second process would only share the same slice.
 */
export function fargateWorkersOf(taskCpu: number): number {
  return Math.max(1, Math.floor(taskCpu / 1024));
}

/** Memory (GiB) of RDS classes by their size; MySQL's default is {DBInstanceClassMemory/12582880}. */
const MEMORY_GIB: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 };
/** `max_connections` RDS MySQL starts with, as measured for those memory sizes (the OS keeps part of it). */
const MAX_CONNECTIONS_BY_GIB: Readonly<Record<number, number>> = { 1: 66, 2: 150, 4: 312, 8: 648, 16: 1320, 32: 2540 };

/** The default `max_connections` of an RDS MySQL class of the burstable (t) or general-purpose (m) families. */
export function mysqlMaxConnectionsOf(instanceClass: string): number | undefined {
  const match = /^db\.(t3|t4g|m5|m6g|m6i|m7g|m7i)\.(\w+)$/.exec(instanceClass);
  const gib = match ? MEMORY_GIB[match[2]] : undefined;
  return gib === undefined ? undefined : MAX_CONNECTIONS_BY_GIB[gib];
}

/** The largest pool each worker may have so that `instances` × `workers` pools fit beside the reserve. */
export function poolBudget(maxConnections: number, instances: number, workers: number): number {
  return Math.floor((maxConnections - RESERVED_CONNECTIONS) / (instances * workers));
}

/** Connections the whole group opens at its largest, plus the reserve. */
export function connectionsAtMaxSize(instances: number, workers: number, poolMax: number): number {
  return instances * connectionsPerInstance(workers, poolMax) + RESERVED_CONNECTIONS;
}

/** What the file may set instead of the derived values. */
interface CapacityOverrides {
  readonly apiWorkers?: unknown;
  readonly dbPoolMax?: unknown;
  readonly maxConnections?: unknown;
}

/**
 * Completes compute and database with the API workers, the pool per worker and the database's
 * connection limit, and refuses a group whose pools at maxSize would not fit, naming the setting.
 */
export function checkCapacity(
  check: Checker,
  at: string,
  compute: Omit<ComputeConfig, 'apiWorkers' | 'dbPoolMax'>,
  database: Omit<DatabaseConfig, 'maxConnections'>,
  overrides: CapacityOverrides,
): { compute: ComputeConfig; database: DatabaseConfig } {
  const derived = (field: string, value: unknown, known: number | undefined, what: string, max: number): number => {
    if (value !== undefined) return check.integer(field, value, 1, max);
    if (known !== undefined) return known;
    check.fail(field, `is required: ${what}`);
    return 1;
  };
  const workersPerVcpu = compute.kind === 'fargate' ? fargateWorkersOf(compute.taskCpu) : vcpusOf(compute.instanceType);
  const apiWorkers = derived(`${at}.compute.apiWorkers`, overrides.apiWorkers, workersPerVcpu, `the vCPUs of ${compute.instanceType} are not known`, 64);
  const maxConnections = derived(`${at}.database.maxConnections`, overrides.maxConnections, mysqlMaxConnectionsOf(database.instanceClass), `the default max_connections of ${database.instanceClass} is not known`, 100_000);
  const budget = poolBudget(maxConnections, compute.maxSize, apiWorkers);
  const group = `${compute.maxSize} ${compute.kind === 'fargate' ? 'tasks' : 'instances'} × ${apiWorkers} workers`;
  let dbPoolMax = Math.min(DEFAULT_POOL_MAX, budget);
  if (overrides.dbPoolMax !== undefined) {
    dbPoolMax = check.integer(`${at}.compute.dbPoolMax`, overrides.dbPoolMax, 1, 1000);
    if (dbPoolMax > budget) {
      check.fail(`${at}.compute.dbPoolMax`, `${dbPoolMax} is too many: ${group} × ${dbPoolMax} + ${RESERVED_CONNECTIONS} reserved = ${connectionsAtMaxSize(compute.maxSize, apiWorkers, dbPoolMax)} connections, over the database's ${maxConnections} (at most ${budget})`);
    }
  } else if (budget < MIN_POOL_MAX) {
    check.fail(`${at}.compute.maxSize`, `${group} would leave each worker ${budget} of the database's ${maxConnections} connections (${RESERVED_CONNECTIONS} reserved; at least ${MIN_POOL_MAX} needed): lower maxSize or apiWorkers, or take a larger database.instanceClass`);
  }
  return { compute: { ...compute, apiWorkers, dbPoolMax }, database: { ...database, maxConnections } };
}
