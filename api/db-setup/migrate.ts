/**
 * Lambda entry point (`index.handler`) of the migration function, which Terraform invokes after the
 * accounts exist and whenever the migrations change, before any instance (or task) of the API
 * starts with them: it signs in as the migrator account (`taskmanager_migrator`, an IAM token, no
 * password) and brings the schema to this build's latest migration. The migrator account is used
 * here and nowhere else; the API only reads and writes rows. Safe to run concurrently (a named
 * lock serialises runs) and again (nothing left to apply is a no-op).
 */
import { describeDatabase, type MysqlSettings } from '../src/config/config';
import { createKnex, migrateToLatest, waitForDatabase, type CredentialSources } from '../src/db/database';
import { MIGRATIONS } from '../src/db/migrations';
import { createLogger, type Logger } from '../src/observability/logger';
import { loadMigrationConfig } from './config';

/** What the function answers (Terraform keeps it in state): what this run applied, and where the schema now is. */
export interface MigrationResult {
  readonly database: string;
  readonly applied: string[];
  readonly latest: string;
}

/** Time kept back from the Lambda deadline to report a failure rather than be cut off. */
const REPORT_MARGIN_MS = 10_000;

/**
 * Brings the database of `settings` to the latest migration before `deadline` (ms since epoch):
 * waits for a database that is still starting, then migrates. `sources` replaces how passwords and
 * tokens are fetched (tests).
 */
export async function migrateDatabase(settings: MysqlSettings, logger: Logger, deadline: number, sources: Partial<CredentialSources> = {}): Promise<MigrationResult> {
  const knex = createKnex(settings, logger, sources);
  const remaining = () => Math.max(1000, deadline - Date.now());
  try {
    await waitForDatabase(knex, logger, remaining(), describeDatabase(settings));
    const applied = await migrateToLatest(knex, logger, remaining());
    return { database: settings.database, applied, latest: MIGRATIONS[MIGRATIONS.length - 1].name };
  } finally {
    await knex.destroy();
  }
}

export async function handler(_event: unknown, context: { getRemainingTimeInMillis?: () => number } = {}): Promise<MigrationResult> {
  const logger = createLogger({ level: 'info', base: { service: 'taskmanager-db-migrate' } });
  try {
    const settings = loadMigrationConfig(process.env);
    const deadline = Date.now() + (context.getRemainingTimeInMillis?.() ?? 60_000) - REPORT_MARGIN_MS;
    return await migrateDatabase(settings, logger, deadline);
  } catch (error) {
    logger.error('migration failed', { error: (error as Error).message });
    throw error;
  } finally {
    logger.flushSync();
  }
}
