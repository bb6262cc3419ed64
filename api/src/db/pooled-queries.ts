/**
 * The hot queries (list, read, create a task) built with knex's query builder and, on MySQL, sent
 * on one of knex's own pooled connections straight to mysql2, without knex's query runner. The
 * runner (query events, a promise chain per stage, response post-processing) cost about 35 µs of
 * CPU per request, a fifth of a whole `GET /tasks` (profiled with --cpu-prof, then measured as
 * server CPU per request). Same pool, so DB_POOL_MAX and the acquire timeout (a 503) hold; the
 * errors are mysql2's, as through knex. SQLite runs through knex as usual; transactions too.
 */
import type { Knex } from 'knex';

export interface PooledQueries {
  /** The rows a select returns. */
  select<Row>(query: Knex.QueryBuilder): Promise<Row[]>;
  /** The id an insert generated. */
  insert(query: Knex.QueryBuilder): Promise<number>;
}

/** The part of knex's client (not in its public types) that hands out pooled connections. */
interface PoolingClient {
  acquireConnection(): Promise<MysqlConnection>;
  releaseConnection(connection: MysqlConnection): Promise<void>;
}

interface MysqlConnection {
  query(sql: string, values: readonly unknown[], done: (error: Error | null, result: unknown) => void): void;
}

export function pooledQueries(knex: Knex): PooledQueries {
  if (knex.client.config.client !== 'mysql2') {
    return {
      select: async <Row>(query: Knex.QueryBuilder) => (await query) as Row[],
      insert: async (query) => Number(((await query) as number[])[0]),
    };
  }
  const client = knex.client as PoolingClient;
  const run = async (query: Knex.QueryBuilder): Promise<unknown> => {
    const { sql, bindings } = query.toSQL().toNative();
    const connection = await client.acquireConnection();
    try {
      return await new Promise((resolve, reject) => connection.query(sql, bindings, (error, result) => (error ? reject(error) : resolve(result))));
    } finally {
      await client.releaseConnection(connection);
    }
  };
  return {
    select: async <Row>(query: Knex.QueryBuilder) => (await run(query)) as Row[],
    insert: async (query) => Number(((await run(query)) as { insertId: number }).insertId),
  };
}
