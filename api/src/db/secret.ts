/**
 * The database credentials in the Secrets Manager secret that RDS manages for the master user:
 * JSON `{"username": "...", "password": "..."}`. The AWS SDK is loaded only when a secret is used.
 */
export interface DatabaseCredentials {
  readonly user: string;
  readonly password: string;
}

export async function fetchDatabaseCredentials(secretArn: string, region: string): Promise<DatabaseCredentials> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region });
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return parseSecret(answer.SecretString, secretArn);
  } finally {
    client.destroy();
  }
}

export function parseSecret(secretString: string | undefined, secretArn: string): DatabaseCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    throw new Error(`secret ${secretArn} is not JSON (expected {"username","password"})`);
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || typeof password !== 'string') {
    throw new Error(`secret ${secretArn} has no string "username" and "password"`);
  }
  return { user: username, password };
}
