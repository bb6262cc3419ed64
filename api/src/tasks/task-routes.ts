import type { Context } from 'koa';
import { ownerOf } from '../auth/require-user';
import { publicPath } from '../http/base-path';
import { notFound } from '../http/errors';
import { answerOnce, idempotentRequest } from '../idempotency/idempotency';
import { readJsonBody } from '../http/json-body';
import type { RouteModule } from '../http/route-module';
import { tasksCreatedEmfLine } from '../observability/emf';
import type { Task } from './task';
import { encodeCursor, parseListQuery, parseNewTask, parseTaskId, parseTaskPatch } from './task-schema';

/**
 * GET/POST /tasks and GET/PATCH/DELETE /tasks/:id, each on the caller's own tasks only (another
 * user's task is a 404, like one that does not exist). Validation happens before any database call.
 */
export const taskRoutes: RouteModule = (router, deps) => {
  const { tasks, idempotency, clock, logger, metrics, bodyLimitBytes } = deps;

  router.get('/tasks', async (ctx: Context) => {
    const query = parseListQuery(ctx.query);
    // One extra row tells whether another page exists without a COUNT query.
    const rows = await tasks.list(ownerOf(ctx), { ...query, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    ctx.body = {
      tasks: page,
      nextCursor: hasMore ? encodeCursor(page[page.length - 1].id) : null,
      // Only when asked: a COUNT per page is a cost most clients do not need.
      ...(query.withTotal ? { total: await tasks.count(ownerOf(ctx), query.status) } : {}),
    };
  });

  router.post('/tasks', async (ctx: Context) => {
    const input = parseNewTask(await readJsonBody(ctx, bodyLimitBytes));
    const now = clock.now();
    const owner = ownerOf(ctx);
    const request = idempotentRequest(ctx, owner, 'POST /tasks', input);
    const outcome = await answerOnce(ctx, idempotency, request, now, async (trx) => {
      const task = await tasks.create(owner, input, now, trx);
      return { status: 201, body: task, location: publicPath(ctx, `/tasks/${task.id}`) };
    });
    if (outcome === 'replayed') return;
    metrics.taskCreated();
    // The TasksCreated metric as an EMF log line: CloudWatch extracts it, no network call here.
    logger.raw(tasksCreatedEmfLine((ctx.body as Task).id, now, ctx.state.requestId));
  });

  router.get('/tasks/:id', async (ctx: Context) => {
    const id = parseTaskId(ctx.params.id);
    const task = await tasks.get(ownerOf(ctx), id);
    if (!task) throw notFound(`Task ${id} does not exist.`);
    ctx.body = task;
  });

  router.patch('/tasks/:id', async (ctx: Context) => {
    const id = parseTaskId(ctx.params.id);
    const patch = parseTaskPatch(await readJsonBody(ctx, bodyLimitBytes));
    const task = await tasks.update(ownerOf(ctx), id, patch, clock.now());
    if (!task) throw notFound(`Task ${id} does not exist.`);
    ctx.body = task;
  });

  router.delete('/tasks/:id', async (ctx: Context) => {
    const id = parseTaskId(ctx.params.id);
    if (!(await tasks.remove(ownerOf(ctx), id))) throw notFound(`Task ${id} does not exist.`);
    ctx.status = 204;
  });
};
