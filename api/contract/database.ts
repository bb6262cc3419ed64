/**
 * The database as the API, its set-up function and the stacks all name it. The API signs in with
 * IAM database authentication (a short-lived token instead of a password) as one of two accounts:
 * `migrator` changes the schema at start, `api` serves requests and can only read and write rows.
 * The master user (its password in Secrets Manager) stays with operators and the set-up function.
 */
export const DATABASE_NAME = 'taskmanager';
export const MYSQL_PORT = 3306;

/** The accounts the set-up function keeps in place, and what each may do in the database. */
export const DATABASE_ACCOUNTS = {
  api: { user: 'taskmanager_api', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
  migrator: { user: 'taskmanager_migrator', privileges: ['ALL PRIVILEGES'] },
} as const;

export type DatabaseAccount = (typeof DATABASE_ACCOUNTS)[keyof typeof DATABASE_ACCOUNTS];
