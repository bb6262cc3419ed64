/**
 * The database as the API, its functions and the stacks all name it. Two accounts sign in with IAM
 * database authentication (a short-lived token instead of a password): `api`, the API's, can only
 * read and write rows; `migrator` changes the schema and is used by the migration function alone,
 * before the API starts. The master user (its password in Secrets Manager) stays with operators
 * and the set-up function.
 */
export const DATABASE_NAME = 'taskmanager';
export const MYSQL_PORT = 3306;

/** The accounts the set-up function keeps in place, and what each may do in the database. */
export const DATABASE_ACCOUNTS = {
  api: { user: 'taskmanager_api', privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
  migrator: { user: 'taskmanager_migrator', privileges: ['ALL PRIVILEGES'] },
} as const;

export type DatabaseAccount = (typeof DATABASE_ACCOUNTS)[keyof typeof DATABASE_ACCOUNTS];
