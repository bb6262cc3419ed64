/**
 * The container path (compute.kind fargate): what runs in a task (not root, not privileged, a
 * read-only root filesystem, its own network, logs, no secret in its environment), what may pull
 * it (an execution role that pulls and logs, nothing else) and where images live (immutable tags,
 * a scan on every push, KMS).
 */
import { actionsOf, documentsOf } from '../documents';
import { blocks, isSet, isTrue, resourceRule, type Rule, show } from '../rule';
import type { Json, Resource, StackView } from '../stack';

/** The container definitions of a task definition, or why they cannot be read. */
function containersOf(task: Resource): { containers?: Json[]; unreadable?: string } {
  const text = task.body.container_definitions;
  if (typeof text !== 'string') return { unreadable: 'container_definitions is not a JSON string, so it cannot be checked' };
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? { containers: parsed as Json[] } : { unreadable: 'container_definitions is not a list' };
  } catch {
    return { unreadable: 'container_definitions is an expression, not JSON, so it cannot be checked' };
  }
}

/** A rule over each container of every task definition: the first container that fails names the failure. */
function containerRule(spec: Omit<Rule, 'evaluate'> & { check: (container: Json) => string | undefined }): Rule {
  const { check, ...rule } = spec;
  return resourceRule({
    ...rule,
    types: ['aws_ecs_task_definition'],
    check: (task) => {
      const { containers, unreadable } = containersOf(task);
      if (unreadable) return unreadable;
      for (const container of containers ?? []) {
        const failure = check(container);
        if (failure) return `container ${show(container.name)}: ${failure}`;
      }
      return undefined;
    },
  });
}

/** Environment variable names that hold credentials: they belong in `secrets` (Secrets Manager), or better, in none. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|PRIVATE_KEY|ACCESS_KEY|API_KEY|TOKEN|CREDENTIAL)/i;

/** What an execution role needs: sign in to ECR, pull layers, write logs (and read the secrets a task names). */
const EXECUTION_ACTIONS = new Set([
  'ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability',
  'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue', 'ssm:GetParameters', 'kms:Decrypt',
]);

/** The inline policies of the roles that task definitions use as execution roles. */
function executionPolicies(stack: StackView): Resource[] {
  const roles = stack.ofType('aws_ecs_task_definition').flatMap((task) => stack.referencedBy({ arn: task.body.execution_role_arn }));
  return roles.flatMap((role) => stack.pointingAt(role, 'aws_iam_role_policy', 'role', ['name']));
}

export const CONTAINER_RULES: readonly Rule[] = [
  containerRule({
    id: 'TM_ECS_NON_ROOT',
    severity: 'high',
    title: 'Containers run as a non-root user',
    fix: 'Set the container definition\'s user to an unprivileged uid (the image\'s node user, 1000:1000) and USER in the Dockerfile',
    check: (c) => (typeof c.user === 'string' && c.user !== '' && !/^(root|0)(:|$)/.test(c.user) ? undefined : `user is ${show(c.user)}: the process runs as root`),
  }),
  containerRule({
    id: 'CKV_AWS_334',
    severity: 'high',
    title: 'Containers are not privileged',
    fix: 'Remove privileged (or set it to false)',
    check: (c) => (isTrue(c.privileged) ? 'privileged is true: the container has the host\'s root powers' : undefined),
  }),
  containerRule({
    id: 'CKV_AWS_336',
    severity: 'medium',
    title: 'Containers have a read-only root filesystem',
    fix: 'Set readonlyRootFilesystem = true and mount a volume where the process must write (/tmp)',
    check: (c) => (isTrue(c.readonlyRootFilesystem) ? undefined : `readonlyRootFilesystem is ${show(c.readonlyRootFilesystem)}`),
  }),
  containerRule({
    id: 'TM_ECS_LOGS',
    severity: 'medium',
    title: 'Containers send their logs somewhere (a log driver)',
    fix: 'Set logConfiguration (awslogs to the environment\'s log group)',
    check: (c) => (isSet((c.logConfiguration as Json | undefined)?.logDriver) ? undefined : 'logConfiguration is not set: its output is lost'),
  }),
  containerRule({
    id: 'AVD-AWS-0036',
    severity: 'high',
    title: 'No credential in a container\'s plain environment',
    fix: 'Take the value out of environment: sign in with the task role (IAM), or name a Secrets Manager secret under secrets',
    check: (c) => {
      const names = blocks(c.environment).map((e) => String(e.name)).filter((n) => SECRET_NAME.test(n));
      return names.length ? `environment holds ${names.join(', ')} in plain text` : undefined;
    },
  }),
  resourceRule({
    id: 'TM_ECS_NO_HOST_NAMESPACES',
    severity: 'high',
    title: 'Tasks have a network of their own (awsvpc) and share no host namespace (CKV_AWS_335)',
    fix: 'network_mode = "awsvpc"; no pid_mode or ipc_mode "host"',
    types: ['aws_ecs_task_definition'],
    check: (task) => {
      if (task.body.network_mode !== 'awsvpc') return `network_mode is ${show(task.body.network_mode)}, not "awsvpc"`;
      const shared = ['pid_mode', 'ipc_mode'].filter((a) => task.body[a] === 'host');
      return shared.length ? `${shared.join(' and ')} share the host's` : undefined;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_249',
    severity: 'medium',
    title: 'A task\'s execution role and task role are different roles',
    fix: 'Give the task its own role: the execution role pulls and logs, the task role is what the code may do',
    types: ['aws_ecs_task_definition'],
    check: (task) => (task.body.execution_role_arn !== undefined && task.body.execution_role_arn === task.body.task_role_arn ? 'execution_role_arn and task_role_arn are the same role' : undefined),
  }),
  {
    id: 'TM_ECS_EXECUTION_ROLE',
    severity: 'high',
    title: 'Execution roles pull images, write logs and read the task\'s secrets, nothing else',
    fix: 'Keep to ECR pulls, logs:CreateLogStream/PutLogEvents and the secrets the task names; what the code does goes in the task role',
    evaluate: (stack) => executionPolicies(stack).map((policy) => {
      const extra = documentsOf(policy, stack).flatMap((d) => d.statements ?? []).filter((s) => s.Effect === 'Allow').flatMap(actionsOf).filter((a) => !EXECUTION_ACTIONS.has(a));
      return { address: policy.address, path: policy.path, failure: extra.length ? `the execution role may also ${[...new Set(extra)].join(', ')}` : undefined };
    }),
  },
  resourceRule({
    id: 'CKV_AWS_51',
    severity: 'medium',
    title: 'ECR tags are immutable (a tag always means the same image)',
    fix: 'image_tag_mutability = "IMMUTABLE"',
    types: ['aws_ecr_repository'],
    check: (r) => (r.body.image_tag_mutability === 'IMMUTABLE' ? undefined : `image_tag_mutability is ${show(r.body.image_tag_mutability)}`),
  }),
  resourceRule({
    id: 'CKV_AWS_163',
    severity: 'medium',
    title: 'ECR scans every image on push',
    fix: 'image_scanning_configuration { scan_on_push = true }',
    types: ['aws_ecr_repository'],
    check: (r) => (blocks(r.body.image_scanning_configuration).some((c) => isTrue(c.scan_on_push)) ? undefined : 'scan_on_push is not set'),
  }),
  resourceRule({
    id: 'CKV_AWS_136',
    severity: 'medium',
    title: 'ECR repositories are encrypted with KMS',
    fix: 'encryption_configuration { encryption_type = "KMS" }',
    types: ['aws_ecr_repository'],
    check: (r) => (blocks(r.body.encryption_configuration).some((c) => c.encryption_type === 'KMS') ? undefined : `encryption_type is ${show(blocks(r.body.encryption_configuration)[0]?.encryption_type ?? 'AES256 (the default)')}`),
  }),
];
