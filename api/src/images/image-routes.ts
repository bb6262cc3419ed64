import type { Context } from 'koa';
import { taskImageKey } from '../../contract/image-message';
import { ownerOf } from '../auth/require-user';
import { publicPath } from '../http/base-path';
import { HttpError, notFound } from '../http/errors';
import { answerOnce, idempotentRequest } from '../idempotency/idempotency';
import type { RouteModule } from '../http/route-module';
import type { Logger } from '../observability/logger';
import { parseTaskId } from '../tasks/task-schema';
import { ImageBackendError, ImageJobs } from './image-jobs';
import { imageMessageFor, parseImageRequest, readOptionalJsonBody } from './image-request';

/**
 * `POST /tasks/:id/image` queues an image job for the worker (202 + the key it will write);
 * `GET /tasks/:id/image` redirects (303) to a short-lived presigned URL once the image exists, or,
 * for a client that asks for `Accept: application/json` (the web page, which cannot read a
 * cross-origin redirect), answers 200 with the link. Only for the caller's own tasks: the key is
 * under the owner's prefix, and another user's task is a 404.
 * Without `deps.images` (no QUEUE_URL / IMAGES_BUCKET, e.g. local SQLite mode) both answer 503.
 */
export const imageRoutes: RouteModule = (router, deps) => {
  const { tasks, idempotency, clock, logger, bodyLimitBytes } = deps;

  router.post('/tasks/:id/image', async (ctx: Context) => {
    const images = configured(deps.images);
    const id = parseTaskId(ctx.params.id);
    const owner = ownerOf(ctx);
    const { prompt } = parseImageRequest(await readOptionalJsonBody(ctx, bodyLimitBytes));
    const requestId: string | undefined = ctx.state.requestId;
    // A custom prompt is checked before the database is asked; the default (the title) after.
    const custom = prompt !== undefined ? imageMessageFor(owner, id, prompt, requestId, images.maxPromptChars) : undefined;
    const task = await tasks.get(owner, id);
    if (!task) throw notFound(`Task ${id} does not exist.`);
    const built = custom ?? imageMessageFor(owner, id, task.title, requestId, images.maxPromptChars);

    // With a key, a retry answers the first 202 without queueing again (the worker would skip it anyway).
    const request = idempotentRequest(ctx, owner, `POST /tasks/${id}/image`, { prompt: prompt ?? null });
    await answerOnce(ctx, idempotency, request, clock.now(), async () => {
      const messageId = await backend(logger, ctx, () => images.queue.send(built.body));
      logger.info('image queued', { requestId, taskId: id, key: built.key, messageId, imageRequestId: built.message.requestId });
      const body = { taskId: id, key: built.key, status: 'queued', prompt: built.message.prompt, requestId: built.message.requestId, messageId };
      return { status: 202, body, location: publicPath(ctx, `/tasks/${id}/image`) };
    });
  });

  router.get('/tasks/:id/image', async (ctx: Context) => {
    const images = configured(deps.images);
    const id = parseTaskId(ctx.params.id);
    const owner = ownerOf(ctx);
    if (!(await tasks.get(owner, id))) throw notFound(`Task ${id} does not exist.`);
    const key = taskImageKey(id, owner);
    const link = await backend(logger, ctx, () => images.locator.link(key));
    if (!link) {
      throw new HttpError(
        404,
        'image_not_ready',
        `Task ${id} has no image yet: it is still being generated, or none was queued (POST /tasks/${id}/image).`,
        undefined,
        { 'Retry-After': '5' },
      );
    }
    // The link expires: never let a cache hand out a stale one.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Vary', 'Accept');
    if (!/\bapplication\/json\b/i.test(ctx.get('accept'))) {
      ctx.status = 303;
      ctx.set('Location', link.url);
    }
    ctx.body = { taskId: id, key, url: link.url, expiresInSeconds: link.expiresInSeconds };
  });
};

function configured(images: ImageJobs | undefined): ImageJobs {
  if (images) return images;
  throw new HttpError(
    503,
    'image_generation_not_configured',
    'Image generation is not configured on this server: it needs QUEUE_URL and IMAGES_BUCKET (set on AWS; unset in local SQLite mode).',
  );
}

/** Runs an SQS/S3 call; its failure is logged with the cause and answered 503 (never a 500). */
async function backend<T>(logger: Logger, ctx: Context, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ImageBackendError)) throw error;
    logger.warn('image backend unavailable', { requestId: ctx.state.requestId, backend: error.service, error: error.message });
    const what =
      error.service === 'sqs'
        ? 'The image queue is not reachable right now; the job may not have been queued. Sending it again is safe (one image per task).'
        : 'The image store is not reachable right now; try again shortly.';
    throw new HttpError(503, 'image_service_unavailable', what, undefined, { 'Retry-After': '5' });
  }
}
