/**
 * The SQL that keeps the application's MySQL accounts as the contract says: created when missing,
 * signing in the configured way, granted their privileges on the one database and nothing else.
 * Every statement is safe to run again (the function runs on every apply that changes it).
 */
import type { Connection } from 'mysql2/promise';

export interface AccountSpec {
  readonly user: string;
  readonly privileges: readonly string[];
}

/**
 * How the accounts sign in: RDS's IAM plugin in AWS (tokens, never a password), or a password
 * where that plugin does not exist (the tests' MariaDB).
 */
export type Identification = { readonly kind: 'aws-iam' } | { readonly kind: 'password'; readonly password: string };

const NAME = /^[A-Za-z0-9_]{1,32}$/;
const PRIVILEGE = /^[A-Z ]+$/;

/** The statements, with identifiers checked (they cannot be bound as parameters). */
export function accountStatements(database: string, accounts: readonly AccountSpec[], identification: Identification, requireTls: boolean): { sql: string; values: unknown[] }[] {
  if (!NAME.test(database)) throw new Error(`database name "${database}" is not a plain identifier`);
  return accounts.flatMap((account) => {
    if (!NAME.test(account.user)) throw new Error(`user name "${account.user}" is not a plain identifier`);
    if (account.privileges.length === 0 || !account.privileges.every((p) => PRIVILEGE.test(p))) {
      throw new Error(`privileges of ${account.user} must be plain privilege names, got ${JSON.stringify(account.privileges)}`);
    }
    const identified = identification.kind === 'aws-iam'
      ? { clause: "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'", values: [] as unknown[] }
      : { clause: 'IDENTIFIED BY ?', values: [identification.password] as unknown[] };
    const tls = requireTls ? ' REQUIRE SSL' : '';
    return [
      { sql: `CREATE USER IF NOT EXISTS ?@'%' ${identified.clause}${tls}`, values: [account.user, ...identified.values] },
      // An account that already existed signs in the configured way too.
      { sql: `ALTER USER ?@'%' ${identified.clause}${tls}`, values: [account.user, ...identified.values] },
      // In GRANT, `_` in a database name is a wildcard (taskmanager_x would also match taskmanagerAx): escaped.
      { sql: `GRANT ${account.privileges.join(', ')} ON \`${database.replace(/_/g, '\\_')}\`.* TO ?@'%'`, values: [account.user] },
    ];
  });
}

/** Runs the statements in order on a connection of an account that may create users (the master). */
export async function ensureAccounts(connection: Connection, database: string, accounts: readonly AccountSpec[], identification: Identification, requireTls: boolean): Promise<string[]> {
  for (const statement of accountStatements(database, accounts, identification, requireTls)) {
    await connection.query(statement.sql, statement.values);
  }
  return accounts.map((a) => a.user);
}
