/**
 * The hot queries (list, read, create a task) built with knex's query builder and, on MySQL, sent
 * on one of knex's own pooled connections straight to mysql2, without knex's query runner. The
 * runner (query events, a promise chain per stage, response post-processing) cost about 35 µs of
 * CPU per request, a fifth of a whole `GET /tasks` (profiled with --cpu-prof, then measured as
 * server CPU per request). Same pool, so DB_POOL_MAX and the acquire timeout (a 503) hold; the
 * errors are mysql2's, as through knex. SQLite runs through knex as usual; transactions too.
 */
import type { Knex } from 'knex';

/** SQL with `?` placeholders and the values for them, as knex compiles it. */
export interface CompiledQuery {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

export interface PooledQueries {
  /** The rows a select returns. */
  select<Row>(query: Knex.QueryBuilder | CompiledQuery): Promise<Row[]>;
  /** The id an insert generated. */
  insert(query: Knex.QueryBuilder): Promise<number>;
}

/** The part of knex's client (not in its public types) that hands out pooled connections. */
interface PoolingClient {
  acquireConnection(): Promise<MysqlConnection>;
  releaseConnection(connection: MysqlConnection): Promise<void>;
}

const compiled = (query: Knex.QueryBuilder | CompiledQuery): CompiledQuery => ('toSQL' in query ? query.toSQL().toNative() : query);

/**
 * The SQL of a query whose text depends only on its shape (which optional filters it has), compiled
 * by knex the first time a shape is seen: building and compiling a query is ~10 µs of a list request.
 * `values` are the bindings in the order knex places them; the first compile of a shape checks
 * that, and a shape whose bindings come out otherwise is simply compiled every time.
 */
export class StatementCache {
  private readonly statements = new Map<string, string>();

  compile(shape: string, values: readonly unknown[], build: () => Knex.QueryBuilder): CompiledQuery {
    const sql = this.statements.get(shape);
    if (sql !== undefined) return { sql, bindings: values };
    const query = build().toSQL().toNative();
    if (query.bindings.length === values.length && query.bindings.every((v, i) => v === values[i])) this.statements.set(shape, query.sql);
    return query;
  }
}

interface MysqlConnection {
  query(sql: string, values: readonly unknown[], done: (error: Error | null, result: unknown) => void): void;
}

export function pooledQueries(knex: Knex): PooledQueries {
  if (knex.client.config.client !== 'mysql2') {
    return {
      select: async <Row>(query: Knex.QueryBuilder | CompiledQuery) => {
        const { sql, bindings } = compiled(query);
        return (await knex.raw(sql, bindings as Knex.RawBinding[])) as Row[];
      },
      insert: async (query) => Number(((await query) as number[])[0]),
    };
  }
  const client = knex.client as PoolingClient;
  const run = async (query: Knex.QueryBuilder | CompiledQuery): Promise<unknown> => {
    const { sql, bindings } = compiled(query);
    const connection = await client.acquireConnection();
    try {
      return await new Promise((resolve, reject) => connection.query(sql, bindings, (error, result) => (error ? reject(error) : resolve(result))));
    } finally {
      await client.releaseConnection(connection);
    }
  };
  return {
    select: async <Row>(query: Knex.QueryBuilder | CompiledQuery) => (await run(query)) as Row[],
    insert: async (query) => Number(((await run(query)) as { insertId: number }).insertId),
  };
}
