/** The set-up function's settings, which the stack sets; each error names the variable. */
import { ConfigError } from '../contract/config-error';
import { MYSQL_PORT } from '../contract/database';
import { isRegion } from '../contract/validators';

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

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: SetupSettingName): string {
  const value = env[name]?.trim();
  if (!value) throw ConfigError.of(name, 'is required');
  return value;
}

export function loadSetupConfig(env: Env): SetupConfig {
  const port = env.DB_PORT?.trim() ? Number(env.DB_PORT) : MYSQL_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw ConfigError.of('DB_PORT', `must be a port number, got "${env.DB_PORT}"`);
  const region = required(env, 'AWS_REGION');
  if (!isRegion(region)) throw ConfigError.of('AWS_REGION', `must be an AWS region, got "${region}"`);
  return { host: required(env, 'DB_HOST'), port, database: required(env, 'DB_NAME'), secretArn: required(env, 'DB_SECRET_ARN'), region };
}
