/** The compiled-statement cache of the hot task queries (the queries themselves run in tasks.test.ts on both databases). */
import knexFactory from 'knex';
import { StatementCache } from '../../api/src/db/pooled-queries';

const knex = knexFactory({ client: 'mysql2' });
afterAll(() => knex.destroy());

describe('StatementCache', () => {
  it('compiles a shape once; later queries of that shape reuse the SQL with their own values', () => {
    const cache = new StatementCache();
    let builds = 0;
    const list = (afterId: number, limit: number) =>
      cache.compile({
        shape: 'after',
        values: [afterId, limit],
        build: () => {
          builds += 1;
          return knex('tasks').select('id').where('id', '>', afterId).limit(limit);
        },
      });
    expect(list(5, 21)).toEqual({ sql: 'select `id` from `tasks` where `id` > ? limit ?', bindings: [5, 21] });
    expect(list(40, 101)).toEqual({ sql: 'select `id` from `tasks` where `id` > ? limit ?', bindings: [40, 101] });
    expect(builds).toBe(1);
  });

  it('compiles every time a shape whose bindings knex places in another order than given, so the SQL is never wrong', () => {
    const cache = new StatementCache();
    let builds = 0;
    const query = (afterId: number, limit: number) =>
      cache.compile({
        shape: 'misordered',
        values: [limit, afterId],
        build: () => {
          builds += 1;
          return knex('tasks').select('id').where('id', '>', afterId).limit(limit);
        },
      });
    expect(query(5, 21).bindings).toEqual([5, 21]);
    expect(query(6, 22).bindings).toEqual([6, 22]);
    expect(builds).toBe(2);
  });
});
