/** The comment says when a plan moves the API between EC2 instances and Fargate tasks. */
import { renderComment, type StackResult } from '../../delivery/plan/render';
import type { PlanJson, ResourceChange } from '../../delivery/plan/model';

function change(address: string, actions: string[]): ResourceChange {
  const type = address.split('.')[0];
  return { address, type, name: address.split('.')[1], mode: 'managed', change: { actions, before: actions.includes('create') && actions.length === 1 ? null : { id: 'x' }, after: actions.includes('delete') && actions.length === 1 ? null : { id: 'x' } } } as ResourceChange;
}
const plan = (changes: ResourceChange[]): StackResult => ({ stack: 'prod', status: 'planned', plan: { format_version: '1.2', resource_changes: changes } as PlanJson });

const TO_FARGATE = [
  change('aws_autoscaling_group.api_asg_1234', ['delete']),
  change('aws_launch_template.api_launch-template_5678', ['delete']),
  change('aws_ecs_service.api_service_9abc', ['create']),
  change('aws_ecs_task_definition.api_task_def0', ['create']),
];

describe('a plan that switches compute.kind', () => {
  it('says the API moves from the instances to the tasks, naming both resources', () => {
    const md = renderComment([plan(TO_FARGATE)]);
    expect(md).toContain('**The API moves** from EC2 instances (Auto Scaling group) `aws_autoscaling_group.api_asg_1234` to Fargate tasks (ECS service) `aws_ecs_service.api_service_9abc`');
  });

  it('says the move answers 503 until the new service is healthy', () => {
    expect(renderComment([plan(TO_FARGATE)])).toMatch(/requests answer 503 until its first\n> task or instance is healthy/);
  });

  it('says moving back is the same change, the other way round', () => {
    const back = [change('aws_ecs_service.api_service_9abc', ['delete']), change('aws_autoscaling_group.api_asg_1234', ['create'])];
    expect(renderComment([plan(back)])).toContain('**The API moves** from Fargate tasks (ECS service) `aws_ecs_service.api_service_9abc` to EC2 instances (Auto Scaling group)');
  });

  it('says no stateful resource goes with the move, and warns when one does', () => {
    expect(renderComment([plan(TO_FARGATE)])).toContain('No stateful resource is destroyed or replaced by this plan');
    const withDatabase = [...TO_FARGATE, change('aws_db_instance.database_instance_1', ['delete', 'create'])];
    expect(renderComment([plan(withDatabase)])).toContain('This plan also destroys or replaces a stateful resource (listed above)');
  });

  it('says nothing of a move when the API stays where it runs', () => {
    expect(renderComment([plan([change('aws_ecs_service.api_service_9abc', ['update']), change('aws_ecs_task_definition.api_task_def0', ['delete', 'create'])])])).not.toContain('The API moves');
    expect(renderComment([plan([change('aws_autoscaling_group.api_asg_1234', ['delete'])])])).not.toContain('The API moves');
  });
});
