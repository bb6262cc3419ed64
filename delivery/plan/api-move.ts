/**
 * A plan that destroys what runs the API one way and creates what runs it the other way moves the
 * API between EC2 instances and Fargate tasks (`compute.kind`). Terraform shows a destroy here and a
 * create there; the reviewer needs the one fact it adds up to, and what the move costs in service.
 */
import { code } from './markdown';
import type { ClassifiedChange } from './model';

/** The resource that runs the API, per kind of compute, and its name in the comment. */
const API_RUNNERS: Readonly<Record<string, string>> = {
  aws_autoscaling_group: 'EC2 instances (Auto Scaling group)',
  aws_ecs_service: 'Fargate tasks (ECS service)',
};

/** The note for a plan that moves the API, or undefined when it does not. */
export function apiMoveNote(changes: readonly ClassifiedChange[]): string | undefined {
  const runner = (kind: ClassifiedChange['kind']) => changes.find((c) => c.kind === kind && API_RUNNERS[c.resource.type]);
  const from = runner('delete');
  const to = runner('create');
  if (!from || !to || from.resource.type === to.resource.type) return undefined;
  const lost = changes.filter((c) => c.dataLossRisk);
  return [
    '> [!IMPORTANT]',
    `> **The API moves** from ${API_RUNNERS[from.resource.type]} ${code(from.resource.address)} to ${API_RUNNERS[to.resource.type]} ${code(to.resource.address)}.`,
    '> The load balancer forwards to the new target group as the new service starts: requests answer 503 until its first',
    '> task or instance is healthy (a few minutes), so merge when traffic is low. Moving back is the same change the other way.',
    lost.length === 0
      ? '> No stateful resource is destroyed or replaced by this plan: the database, buckets, queue and logs stay.'
      : `> ⚠️ This plan also destroys or replaces ${lost.length === 1 ? 'a stateful resource' : `${lost.length} stateful resources`} (listed above): the move itself needs none of that.`,
  ].join('\n');
}
