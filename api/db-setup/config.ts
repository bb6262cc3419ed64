/** The settings of the set-up and migration functions, which the stack sets; each error names the variable. */
import { ConfigError } from '../contract/config-error';
import { MYSQL_PORT } from '../contract/database';
import { isRegion } from '../contract/validators';
import type { MysqlSettings } from '../src/config/config';

/** The environment variables the set-up function reads. */
export type SetupSettingName = 'DB_HOST' | 'DB_PORT' | 'DB_NAME' | 'DB_SECRET_ARN' | 'AWS_REGION';

export interface SetupConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** The RDS-managed secret of the master user. */
  readonly secretArn: string;
  readonly region: string;
}

/** The environment variables the migration function reads. */
export type MigrationSettingName = 'DB_HOST' | 'DB_PORT' | 'DB_NAME' | 'DB_USER' | 'AWS_REGION';

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: SetupSettingName | MigrationSettingName): string {
  const value = env[name]?.trim();
  if (!value) throw ConfigError.of(name, 'is required');
  return value;
}

function portOf(env: Env): number {
  const port = env.DB_PORT?.trim() ? Number(env.DB_PORT) : MYSQL_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw ConfigError.of('DB_PORT', `must be a port number, got "${env.DB_PORT}"`);
  return port;
}

function regionOf(env: Env): string {
  const region = required(env, 'AWS_REGION');
  if (!isRegion(region)) throw ConfigError.of('AWS_REGION', `must be an AWS region, got "${region}"`);
  return region;
}

export function loadSetupConfig(env: Env): SetupConfig {
  const port = portOf(env);
  const region = regionOf(env);
  return { host: required(env, 'DB_HOST'), port, database: required(env, 'DB_NAME'), secretArn: required(env, 'DB_SECRET_ARN'), region };
}

/**
 * The migration function's connection: `DB_USER` (the migrator account) signing in with an IAM
 * token over verified TLS, never a password; two connections, one of them holding the named lock
 * that serialises concurrent runs (see migrateToLatest).
 */
export function loadMigrationConfig(env: Env): MysqlSettings {
  const port = portOf(env);
  const region = regionOf(env);
  return {
    kind: 'mysql',
    host: required(env, 'DB_HOST'),
    port,
    database: required(env, 'DB_NAME'),
    user: required(env, 'DB_USER'),
    iamAuth: { region },
    ssl: true,
    // A token lives 15 minutes; a run takes far less, and a long one signs new connections in afresh.
    secretTtlMs: 600_000,
    poolMax: 2,
    acquireTimeoutMs: 10_000,
  };
}
