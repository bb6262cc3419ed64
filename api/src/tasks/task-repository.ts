import type { Knex } from 'knex';
import { dateWriter, toIso } from '../db/database';
import { pooledQueries, PooledQueries } from '../db/pooled-queries';
import { NewTask, Task, TaskListQuery, TaskPatch, TaskStatus } from './task';

/**
 * Storage of tasks, always of one owner (the caller's `sub`): another owner's task does not exist
 * for these methods. The routes only see this interface, so tests and other stores can stand in.
 */
export interface TaskRepository {
  /** Up to `limit` of the owner's tasks in id order, after `afterId`, optionally of one status. */
  list(owner: string, query: TaskListQuery): Promise<Task[]>;
  /** How many tasks the owner has, optionally of one status. */
  count(owner: string, status?: TaskStatus): Promise<number>;
  get(owner: string, id: number): Promise<Task | undefined>;
  /** `within` runs the insert in a caller's transaction (e.g. with its idempotency key). */
  create(owner: string, input: NewTask, now: Date, within?: Knex.Transaction): Promise<Task>;
  update(owner: string, id: number, patch: TaskPatch, now: Date): Promise<Task | undefined>;
  remove(owner: string, id: number): Promise<boolean>;
}

export const TASKS_TABLE = 'tasks';

interface TaskRow {
  id: number;
  title: string;
  description: string;
  status: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
}

const COLUMNS: string[] = ['id', 'title', 'description', 'status', 'created_at', 'updated_at'];

function toTask(row: TaskRow): Task {
  return {
    id: Number(row.id),
    title: row.title,
    description: row.description,
    status: row.status as TaskStatus,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export class KnexTaskRepository implements TaskRepository {
  private readonly time: (date: Date) => Date | string;
  private readonly queries: PooledQueries;

  constructor(private readonly knex: Knex) {
    this.time = dateWriter(knex);
    this.queries = pooledQueries(knex);
  }

  /** The owner's rows: every query starts here, so none can forget the owner. */
  private owned(owner: string, db: Knex | Knex.Transaction = this.knex): Knex.QueryBuilder {
    return db(TASKS_TABLE).where('owner', owner);
  }

  async list(owner: string, query: TaskListQuery): Promise<Task[]> {
    const { afterId, status, limit, newestFirst = false } = query;
    // Walks the (owner, id) or (owner, status, id) index in id order, either way.
    const rows = await this.queries.select<TaskRow>({
      shape: `list after=${afterId !== undefined} status=${status !== undefined} newest=${newestFirst}`,
      values: [owner, ...(afterId !== undefined ? [afterId] : []), ...(status !== undefined ? [status] : []), limit],
      build: () => {
        const builder = this.owned(owner).select(COLUMNS);
        if (afterId !== undefined) builder.where('id', newestFirst ? '<' : '>', afterId);
        if (status !== undefined) builder.where('status', status);
        return builder.orderBy('id', newestFirst ? 'desc' : 'asc').limit(limit);
      },
    });
    return rows.map(toTask);
  }

  async count(owner: string, status?: TaskStatus): Promise<number> {
    const builder = this.owned(owner).count({ n: '*' });
    if (status !== undefined) builder.where('status', status);
    const [row] = (await builder) as Array<{ n: number | string }>;
    return Number(row.n);
  }

  async get(owner: string, id: number): Promise<Task | undefined> {
    const [row] = await this.queries.select<TaskRow>({ shape: 'get', values: [owner, id, 1], build: () => this.owned(owner).select(COLUMNS).where('id', id).limit(1) });
    return row ? toTask(row) : undefined;
  }

  async create(owner: string, input: NewTask, now: Date, within?: Knex.Transaction): Promise<Task> {
    // One round trip: the stored row is exactly what we sent plus the generated id, so it is
    // not read back (DATETIME(3) and ISO text both keep the millisecond the Date has).
    const at = this.time(now);
    const row = { owner, title: input.title, description: input.description, status: input.status, created_at: at, updated_at: at };
    const id = within
      ? Number((await within(TASKS_TABLE).insert(row))[0])
      : await this.queries.insert({
          shape: 'create',
          // knex lists an insert's columns in name order.
          values: [at, input.description, owner, input.status, input.title, at],
          build: () => this.knex(TASKS_TABLE).insert(row),
        });
    const iso = now.toISOString();
    return { id: Number(id), ...input, createdAt: iso, updatedAt: iso };
  }

  async update(owner: string, id: number, patch: TaskPatch, now: Date): Promise<Task | undefined> {
    // Update then read, in one transaction so the answer is the row this request produced.
    return this.knex.transaction(async (trx) => {
      await this.owned(owner, trx).where('id', id).update({ ...patch, updated_at: this.time(now) });
      const row: TaskRow | undefined = await this.owned(owner, trx).first<TaskRow | undefined>(COLUMNS).where('id', id);
      return row ? toTask(row) : undefined;
    });
  }

  async remove(owner: string, id: number): Promise<boolean> {
    const deleted = await this.owned(owner).where('id', id).del();
    return deleted > 0;
  }
}
