/**
 * A deployment as the isolation test evaluates it: the synthesized bootstrap stack with every
 * Terraform reference filled in, in one of the two account layouts, and the environments' stacks.
 */
import { Testing } from 'cdktf';
import { BootstrapStack } from '../../../stacks/bootstrap-stack';
import type { EnvironmentConfig, EnvironmentName, ProjectConfig } from '../../../stacks/config';
import { containerBoundaryName } from '../../../stacks/deploy/container-boundary';
import { imagePushRoleName } from '../../../stacks/deploy/image-push';
import { environmentStack, Json, resourcesOf, synthJson, testConfig } from '../synth';
import { resolveFields, resolveReferences, resourceAttributes, valueOf } from './terraform-values';

export type Layout = 'one account' | 'account per environment';
export const LAYOUTS: Layout[] = ['one account', 'account per environment'];
export const ENVIRONMENTS: EnvironmentName[] = ['dev', 'prod'];

export const BOOTSTRAP_ACCOUNT = '111111111111';
const OWN_ACCOUNTS: Record<EnvironmentName, string> = { dev: '222222222222', prod: '333333333333' };
/** An account outside the organization, for trust and cross-account cases. */
export const OUTSIDE_ACCOUNT = '999999999999';
/**
 * The environment that runs the API on Fargate in each layout (the other runs EC2): each kind is
 * deployed, attacked and refreshed in each environment across the two layouts.
 */
export const FARGATE_ENVIRONMENT: Record<Layout, EnvironmentName> = { 'one account': 'prod', 'account per environment': 'dev' };
const API_IMAGE = `sha256:${'0123456789abcdef'.repeat(4)}`;
/** The databases' ids as the environment stacks would output them after the first apply. */
const DATABASE_IDS: Record<EnvironmentName, string> = { dev: 'db-DEVDATABASE0000000000000001', prod: 'db-PRODDATABASE000000000000001' };

export interface Policy { readonly name: string; readonly policy: Json }

/** A principal under test: its ARN, account, identity policies and permissions boundary. */
export interface Principal {
  readonly label: string;
  readonly arn: string;
  readonly account: string;
  readonly identity: Policy[];
  readonly boundary?: Policy;
  /** Context every request of this principal carries (e.g. the function its session belongs to). */
  readonly context?: Record<string, string | string[]>;
}

export interface EnvironmentUnderTest {
  readonly config: EnvironmentConfig;
  readonly account: string;
  readonly stack: Json;
  readonly plan: Principal;
  readonly apply: Principal;
  /** A role the apply role can create: the environment's boundary, an allow-all inline policy, run as one of its functions. */
  readonly created: Principal;
  /** A role the apply role can create for ECS tasks: the container boundary and an allow-all inline policy, in a session with no source context. */
  readonly containerCreated: Principal;
  /** The image-push role bootstrap made for the environment. */
  readonly imagePush: Principal;
  /** The API's ECS task role and execution role as the environment stack makes them (kind fargate only). */
  readonly ecsRoles?: { readonly task: Principal; readonly execution: Principal };
}

export interface Deployment {
  readonly layout: Layout;
  readonly config: ProjectConfig;
  readonly environments: Record<EnvironmentName, EnvironmentUnderTest>;
  readonly stateBucket: string;
  readonly stateBucketPolicy: Json;
  readonly stateKeyArn: string;
  readonly stateKeyPolicy: Json;
  readonly bootstrap: Json;
}

export function configFile(layout: Layout): Json {
  return {
    githubRepository: 'acme/tasks',
    state: { bucket: 'acme-tfstate' },
    environments: Object.fromEntries(ENVIRONMENTS.map((env) => [env, {
      databaseResourceId: DATABASE_IDS[env],
      ...(layout === 'account per environment' ? { accountId: OWN_ACCOUNTS[env] } : {}),
      ...(FARGATE_ENVIRONMENT[layout] === env ? { compute: { kind: 'fargate', image: API_IMAGE } } : {}),
    }])),
  };
}

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export function deployment(layout: Layout): Deployment {
  const file = configFile(layout);
  const config = testConfig(file);
  const raw = synthJson(new BootstrapStack(Testing.app(), 'bootstrap', { config }));
  const byAlias = Object.fromEntries(ENVIRONMENTS.filter(() => layout === 'account per environment').map((env) => [`account-${env}`, OWN_ACCOUNTS[env]]));
  const values = resourceAttributes(raw, config.state.region, { main: BOOTSTRAP_ACCOUNT, byAlias });
  const bootstrap = resolvePolicies(raw, values);
  const role = (name: string) => resourcesOf(bootstrap, 'aws_iam_role').find((r) => r.name === name)!;
  const policiesOf = (roleName: string): Policy[] => resourcesOf(bootstrap, 'aws_iam_role_policy')
    .filter((p) => p.role === roleName)
    .map((p) => ({ name: p.name, policy: JSON.parse(p.policy) }));
  const accountOf = (roleName: string) => role(roleName).provider ? byAlias[String(role(roleName).provider).replace(/^aws\./, '')] : BOOTSTRAP_ACCOUNT;
  const policy = (name: string): Policy => {
    const found = resourcesOf(bootstrap, 'aws_iam_policy').find((p) => p.name === name)!;
    return { name: found.name, policy: JSON.parse(found.policy) };
  };
  const principal = (label: string, name: string): Principal => {
    const boundary = role(name).permissions_boundary;
    return { label, arn: `arn:aws:iam::${accountOf(name)}:role/${name}`, account: accountOf(name), identity: policiesOf(name), ...(boundary ? { boundary: policy(String(boundary).split(':policy/')[1]) } : {}) };
  };

  const environments = Object.fromEntries(ENVIRONMENTS.map((name) => {
    const env = config.environments.find((e) => e.name === name)!;
    const account = env.accountId || BOOTSTRAP_ACCOUNT;
    const created: Principal = {
      label: `role ${name}'s apply can create`,
      arn: `arn:aws:iam::${account}:role/${env.namePrefix}-created`,
      account,
      identity: [{ name: 'allow-all', policy: ALLOW_ALL }],
      boundary: policy(`${env.namePrefix}-workload-boundary`),
      // The strongest position: the role runs as a function of the environment (code the apply role deployed).
      context: { 'lambda:SourceFunctionArn': `arn:aws:lambda:${env.region}:${account}:function:${env.namePrefix}-attacker` },
    };
    // ECS puts no source context on task credentials: the session is the same inside a task and anywhere else.
    const containerCreated: Principal = {
      label: `role ${name}'s apply can create for ECS tasks`,
      arn: `arn:aws:iam::${account}:role/${env.namePrefix}-api-task-created`,
      account,
      identity: [{ name: 'allow-all', policy: ALLOW_ALL }],
      boundary: policy(containerBoundaryName(env.namePrefix)),
    };
    const stack = environmentStack(name, file);
    return [name, {
      config: env,
      account,
      stack,
      plan: principal(`plan ${name}`, `taskmanager-github-plan-${name}`),
      apply: principal(`apply ${name}`, `taskmanager-github-apply-${name}`),
      created,
      containerCreated,
      imagePush: principal(`image push ${name}`, imagePushRoleName('taskmanager', name)),
      ecsRoles: ecsRolesOf(stack, env, account, policy(containerBoundaryName(env.namePrefix))),
    }];
  })) as Record<EnvironmentName, EnvironmentUnderTest>;

  const stateBucket = resourcesOf(bootstrap, 'aws_s3_bucket').find((b) => b.bucket === config.state.bucket)!;
  const bucketPolicy = resourcesOf(bootstrap, 'aws_s3_bucket_policy').find((p) => p.bucket === stateBucket.bucket)!;
  const key = resourcesOf(bootstrap, 'aws_kms_key')[0];
  return {
    layout,
    config,
    environments,
    stateBucket: stateBucket.bucket,
    stateBucketPolicy: JSON.parse(bucketPolicy.policy),
    stateKeyArn: values.get('aws_kms_key.state-key')!.arn,
    stateKeyPolicy: JSON.parse(key.policy),
    bootstrap,
  };
}

/** The API's task and execution roles of an environment stack on Fargate, with their synthesized policies and boundary. */
function ecsRolesOf(stack: Json, env: EnvironmentConfig, account: string, containerBoundary: Policy): EnvironmentUnderTest['ecsRoles'] {
  const values = resourceAttributes(stack, env.region, { main: account }, { databaseResourceId: env.databaseResourceId });
  const roles = Object.values(stack.resource.aws_iam_role as Record<string, Json>).map((r) => resolveFields(r, values));
  const policies = Object.values(stack.resource.aws_iam_role_policy as Record<string, Json>);
  const ecsRole = (label: string, name: string): Principal | undefined => {
    const found = roles.find((r) => r.name === name);
    if (!found) return undefined;
    if (found.permissions_boundary !== `arn:aws:iam::${account}:policy/${containerBoundary.name}`) throw new Error(`${name} does not carry ${containerBoundary.name}: ${found.permissions_boundary}`);
    return { label, arn: `arn:aws:iam::${account}:role/${name}`, account, identity: policies.filter((p) => valueOf(p.role, values) === name).map((p) => ({ name: p.name, policy: JSON.parse(resolveReferences(p.policy, values)) })), boundary: containerBoundary };
  };
  const task = ecsRole(`task role ${env.name}`, `${env.namePrefix}-api-task`);
  const execution = ecsRole(`execution role ${env.name}`, `${env.namePrefix}-api-task-execution`);
  return task && execution ? { task, execution } : undefined;
}

/** The stack with its policies' references filled in (an unknown one fails), other references where known. */
function resolvePolicies(stack: Json, values: ReturnType<typeof resourceAttributes>): Json {
  const resource = Object.fromEntries(Object.entries(stack.resource as Record<string, Record<string, Json>>).map(([type, byName]) => [type,
    Object.fromEntries(Object.entries(byName).map(([name, body]) => [name, resolveFields(body, values, true)]))]));
  return { ...stack, resource };
}
