/** Passing and failing constructs for the container rules (delivery/policy/rules/containers.ts). */
import type { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument, serviceTrustPolicy } from '../../../stacks/lib/iam';

type Build = (scope: Construct) => void;

/** A container as the stacks write it: unprivileged, non-root, read-only, logging, no secret. */
const SAFE_CONTAINER = {
  name: 'api',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/tm-test@sha256:' + '0'.repeat(64),
  user: '1000:1000',
  privileged: false,
  readonlyRootFilesystem: true,
  environment: [{ name: 'DB_USER', value: 'taskmanager_api' }],
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'tm-test' } },
};

function task(scope: Construct, container: Record<string, unknown> = {}, props: Record<string, unknown> = {}): void {
  const execution = new IamRole(scope, 'execution', { name: 'tm-test-execution', assumeRolePolicy: serviceTrustPolicy('ecs-tasks.amazonaws.com') });
  const taskRole = new IamRole(scope, 'task-role', { name: 'tm-test-task', assumeRolePolicy: serviceTrustPolicy('ecs-tasks.amazonaws.com') });
  new EcsTaskDefinition(scope, 'task', {
    family: 'tm-test',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: execution.arn,
    taskRoleArn: taskRole.arn,
    containerDefinitions: JSON.stringify([{ ...SAFE_CONTAINER, ...container }]),
    ...props,
  });
}

function executionPolicy(scope: Construct, actions: string[]): void {
  task(scope);
  new IamRolePolicy(scope, 'execution-policy', { role: '${aws_iam_role.execution.name}', policy: policyDocument({ Effect: 'Allow', Action: actions, Resource: '*' }) });
}

const repository = (scope: Construct, props: Record<string, unknown> = {}) =>
  new EcrRepository(scope, 'repo', { name: 'tm-test', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: [{ encryptionType: 'KMS' }], ...props });

export const CONTAINER_CASES: Record<string, { pass: Build; fail: Build; failure: RegExp }> = {
  TM_ECS_NON_ROOT: { pass: (s) => task(s), fail: (s) => task(s, { user: 'root' }), failure: /container "api": user is "root": the process runs as root/ },
  CKV_AWS_334: { pass: (s) => task(s), fail: (s) => task(s, { privileged: true }), failure: /privileged is true/ },
  CKV_AWS_336: { pass: (s) => task(s), fail: (s) => task(s, { readonlyRootFilesystem: false }), failure: /readonlyRootFilesystem is false/ },
  TM_ECS_LOGS: { pass: (s) => task(s), fail: (s) => task(s, { logConfiguration: undefined }), failure: /logConfiguration is not set/ },
  'AVD-AWS-0036': { pass: (s) => task(s), fail: (s) => task(s, { environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }), failure: /environment holds DB_PASSWORD in plain text/ },
  TM_ECS_NO_HOST_NAMESPACES: { pass: (s) => task(s), fail: (s) => task(s, {}, { networkMode: 'host' }), failure: /network_mode is "host", not "awsvpc"/ },
  CKV_AWS_249: { pass: (s) => task(s), fail: (s) => task(s, {}, { taskRoleArn: '${aws_iam_role.execution.arn}' }), failure: /execution_role_arn and task_role_arn are the same role/ },
  TM_ECS_EXECUTION_ROLE: {
    pass: (s) => executionPolicy(s, ['ecr:GetAuthorizationToken', 'logs:PutLogEvents']),
    fail: (s) => executionPolicy(s, ['ecr:GetAuthorizationToken', 's3:GetObject']),
    failure: /the execution role may also s3:GetObject/,
  },
  CKV_AWS_51: { pass: (s) => repository(s), fail: (s) => repository(s, { imageTagMutability: 'MUTABLE' }), failure: /image_tag_mutability is "MUTABLE"/ },
  CKV_AWS_163: { pass: (s) => repository(s), fail: (s) => repository(s, { imageScanningConfiguration: undefined }), failure: /scan_on_push is not set/ },
  CKV_AWS_136: { pass: (s) => repository(s), fail: (s) => repository(s, { encryptionConfiguration: undefined }), failure: /encryption_type is "AES256 \(the default\)"/ },
};
