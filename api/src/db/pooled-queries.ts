/**
 * The hot queries (list, read, create a task) built with knex's query builder and, on MySQL,
 * compiled once per shape and sent on one of knex's own pooled connections straight to mysql2,
 * without knex's query runner. Profiled with --cpu-prof, then measured as server CPU per request:
 * the runner (query events, a promise chain per stage, response post-processing) cost ~35 µs and
 * building + compiling the query ~10 µs of the ~190 µs a `GET /tasks` cost. Same pool, so
 * DB_POOL_MAX and the acquire timeout (a 503) hold; the errors are mysql2's, as through knex.
 * SQLite runs through knex as usual; so do transactions.
 */
import type { Knex } from 'knex';

/** SQL with `?` placeholders and the values for them, as knex compiles it. */
export interface CompiledQuery {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

/**
 * A query whose SQL text depends only on its `shape` (say, which optional filters it has): `values`
 * are its bindings in the order knex places them, `build` makes it with the query builder.
 */
export interface ShapedQuery {
  readonly shape: string;
  readonly values: readonly unknown[];
  readonly build: () => Knex.QueryBuilder;
}

export interface PooledQueries {
  /** The rows a select returns. */
  select<Row>(query: ShapedQuery): Promise<Row[]>;
  /** The id an insert generated. */
  insert(query: ShapedQuery): Promise<number>;
}

/**
 * The SQL of each shape, compiled by knex the first time it is seen. That first compile checks
 * that knex placed the bindings as given; a shape whose bindings come out otherwise is simply
 * compiled every time, so the SQL is never wrong.
 */
export class StatementCache {
  private readonly statements = new Map<string, string>();

  compile({ shape, values, build }: ShapedQuery): CompiledQuery {
    const sql = this.statements.get(shape);
    if (sql !== undefined) return { sql, bindings: values };
    const query = build().toSQL().toNative();
    if (query.bindings.length === values.length && query.bindings.every((v, i) => v === values[i])) this.statements.set(shape, query.sql);
    return query;
  }
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
      select: async <Row>(query: ShapedQuery) => (await query.build()) as Row[],
      insert: async (query) => Number(((await query.build()) as number[])[0]),
    };
  }
  const client = knex.client as PoolingClient;
  const statements = new StatementCache();
  const run = async (query: ShapedQuery): Promise<unknown> => {
    const { sql, bindings } = statements.compile(query);
    const connection = await client.acquireConnection();
    try {
      return await new Promise((resolve, reject) => connection.query(sql, bindings, (error, result) => (error ? reject(error) : resolve(result))));
    } finally {
      await client.releaseConnection(connection);
    }
  };
  return {
    select: async <Row>(query: ShapedQuery) => (await run(query)) as Row[],
    insert: async (query) => Number(((await run(query)) as { insertId: number }).insertId),
  };
}
