/**
 * The isolation matrix: requests of every deploy role (and of a role an apply role can create)
 * against resources of its own and of the other environment, evaluated by a real IAM policy
 * engine (@cloud-copilot/iam-simulate, AGPL: used by tests only) over the synthesized policies.
 */
import { getDenialReasons, getGrantReasons, isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';
import type { EnvironmentName } from '../../../stacks/config';
import type { Json } from '../synth';
import { Deployment, ENVIRONMENTS, EnvironmentUnderTest, OUTSIDE_ACCOUNT, Principal } from './deployment';
import { borrowedTaskDefinitionCases, containerCases } from './container-cases';
import { databaseAttacks, databaseSecretOps, RESOURCE_MODELS, Where } from './resource-models';
import { resolveFields, resolveReferences, resourceAttributes, valueOf } from './terraform-values';

export type Expected = 'allowed' | 'denied';

export interface Case {
  /** The row of the roles table this case counts towards. */
  readonly group: string;
  readonly principal: Principal;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context: Record<string, string | string[]>;
  readonly expected: Expected;
  /** The resource type or subject, for the failure message. */
  readonly subject: string;
  readonly resourcePolicy?: Json;
  readonly rcps?: Json[];
}

export interface Outcome {
  readonly decision: Expected;
  /** The statements that decided: `identity terraform-apply ManageFunctions`, `boundary OwnObjects`. */
  readonly deciding: string;
}

const TAG_KEYS = ['Project', 'Environment', 'ManagedBy'];
const existing = (env: EnvironmentName) => ({ 'aws:ResourceTag/Environment': env, 'aws:ResourceTag/Project': 'taskmanager' });
const creating = (env: EnvironmentName) => ({ 'aws:RequestTag/Environment': env, 'aws:RequestTag/Project': 'taskmanager', 'aws:TagKeys': TAG_KEYS });

/** Where one environment's resources live, for the resource models. */
export function whereOf(env: EnvironmentUnderTest): Where {
  const values = valuesOf(env);
  const lb = Object.values(env.stack.resource.aws_lb ?? {})[0] as Json;
  const repositoryPolicy = Object.values(env.stack.resource.aws_ecr_repository_policy ?? {})[0] as Json;
  return {
    env: env.config,
    account: env.account,
    id: (prefix) => `${prefix}-${env.config.name}0123456789abcdef`.toLowerCase(),
    // A bucket_prefix gets AWS's suffix, as resourceAttributes gives referenced buckets.
    bucketOf: (reference) => valueOf(reference, values).replace(/^arn:aws:s3:::/, '').replace(/-$/, '-20260101'),
    loadBalancer: lb.name,
    database: `arn:aws:rds:${env.config.region}:${env.account}:db:${env.config.namePrefix}-db`,
    repositoryPolicy: JSON.parse(resolveReferences(repositoryPolicy.policy, values)),
  };
}

/** The values of an environment stack's references, its database's id as the config knows it. */
function valuesOf(env: EnvironmentUnderTest) {
  return resourceAttributes(env.stack, env.config.region, { main: env.account }, { databaseResourceId: env.config.databaseResourceId });
}

/** The instances of each type in a stack, with their ARN, once per distinct ARN. */
export function resourcesByType(env: EnvironmentUnderTest): Map<string, { body: Json; arn: string }[]> {
  const at = whereOf(env);
  const values = valuesOf(env);
  const byType = new Map<string, { body: Json; arn: string }[]>();
  for (const [type, byName] of Object.entries(env.stack.resource) as [string, Record<string, Json>][]) {
    const model = RESOURCE_MODELS[type];
    if (!model) continue;
    const seen = new Set<string>();
    for (const body of Object.values(byName)) {
      const resolved = resolveFields(body, values);
      const arn = model.arn(resolved, at);
      if (seen.has(arn)) continue;
      seen.add(arn);
      byType.set(type, [...(byType.get(type) ?? []), { body: resolved, arn }]);
    }
  }
  return byType;
}

/** Every case of one layout. */
export function casesOf(d: Deployment): Case[] {
  return ENVIRONMENTS.flatMap((owner) => {
    const env = d.environments[owner];
    const others = ENVIRONMENTS.filter((e) => e !== owner).map((e) => d.environments[e]);
    return [...ownCases(env), ...containerCases(env, whereOf(env)), ...others.flatMap((other) => crossCases(env, other)), ...stateCases(d, owner), ...otherProjectCases(env)];
  });
}

function ownCases(env: EnvironmentUnderTest): Case[] {
  const at = whereOf(env);
  const name = env.config.name;
  const cases: Case[] = [];
  const oneAccount = env.config.accountId === '';
  const byType = resourcesByType(env);
  const boundaries = new Map((byType.get('aws_iam_role') ?? []).map(({ body, arn }) => [arn, String(body.permissions_boundary)]));
  for (const [type, instances] of byType) {
    const model = RESOURCE_MODELS[type];
    for (const { body, arn } of instances) {
      const extra = model.context?.(body, at) ?? {};
      const base = { resource: arn, resourceAccount: env.account, subject: type, resourcePolicy: model.resourcePolicy?.(body, at) };
      const createContext = model.kind === 'sub' ? existing(name) : creating(name);
      const createsByName = model.kind !== 'sub' && !['aws_iam_role', 'aws_lambda_function'].includes(type);
      for (const action of model.create) {
        cases.push({ ...base, group: 'creates, changes and deletes its own environment\'s resources', principal: env.apply, action, context: { ...createContext, ...extra, ...createContextFor(action, boundaries.get(arn)) }, expected: 'allowed', resource: createsByName && noResourceOnCreate(action) ? '*' : (model.createArn?.(body, at) ?? arn) });
      }
      for (const action of model.change) {
        const byOperator = oneAccount && (model.operatorInOneAccount ?? []).includes(action);
        cases.push({ ...base, group: byOperator ? 'changes CloudFront policies and log deliveries (no tag, no name): operator only' : 'creates, changes and deletes its own environment\'s resources', principal: env.apply, action, context: { ...existing(name), ...extra, ...createContextFor(action, boundaries.get(arn)) }, expected: byOperator ? 'denied' : 'allowed' });
      }
      for (const action of model.unscopedChanges ?? []) {
        cases.push({ ...base, group: 'creates, changes and deletes its own environment\'s resources', principal: env.apply, action, context: {}, expected: 'allowed' });
      }
      for (const action of model.reads) {
        cases.push({ ...base, group: 'refreshes every resource of its environment\'s plan', principal: env.plan, action, context: { ...existing(name), ...extra }, expected: 'allowed' });
      }
    }
  }
  for (const op of databaseSecretOps(at)) {
    cases.push({ group: 'creates, changes and deletes its own environment\'s resources', principal: env.apply, action: op.action, resource: op.arn, resourceAccount: env.account, context: op.context ?? {}, expected: 'allowed', subject: 'master secret' });
  }
  return cases;
}

/** Context an apply's create carries: the boundary on a role it creates (the one the stack gives that role). */
function createContextFor(action: string, boundary: string | undefined): Record<string, string | string[]> {
  if (['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(action)) return { 'iam:PermissionsBoundary': boundary! };
  return {};
}

/** Creations whose request names no resource yet: IAM authorizes them on `*`. */
function noResourceOnCreate(action: string): boolean {
  return /^(ec2:(Create(Vpc|Subnet|InternetGateway|RouteTable|NatGateway|SecurityGroup|LaunchTemplate|VpcEndpoint|FlowLogs)|AllocateAddress)|kms:CreateKey|cloudfront:Create(Distribution|VpcOrigin|ResponseHeadersPolicy|OriginAccessControl)|cognito-idp:CreateUserPool)$/.test(action);
}

/** Another environment's roles against `owner`'s resources: every request denied. */
function crossCases(owner: EnvironmentUnderTest, other: EnvironmentUnderTest): Case[] {
  const at = whereOf(owner);
  const cases: Case[] = [];
  const principals = attackers(other);
  for (const [type, [{ body, arn }]] of resourcesByType(owner)) {
    const model = RESOURCE_MODELS[type];
    const extra = model.context?.(body, at) ?? {};
    const requests: { action: string; context: Record<string, string | string[]> }[] = [
      ...[...new Set([...model.change, ...(model.attacks ?? [])])].map((action) => ({ action, context: {} })),
      ...(model.tagging ? [
        { action: model.tagging[0], context: { 'aws:RequestTag/Environment': other.config.name, 'aws:TagKeys': ['Environment'] } },
        { action: model.tagging[1], context: { 'aws:TagKeys': ['Environment'] } },
      ] : []),
    ];
    for (const principal of principals) {
      for (const { action, context } of requests) {
        cases.push({ group: `reaches nothing of ${owner.config.name}`, principal, action, resource: arn, resourceAccount: owner.account, context: { ...existing(owner.config.name), ...extra, ...context }, expected: 'denied', subject: type, resourcePolicy: model.resourcePolicy?.(body, at) });
      }
      // What AWS authorizes on `*` only reaches the other environment within one account (across accounts, ECS acts on the caller's own).
      const unscoped = [
        ...(model.unscopedChanges ?? []).map((action) => ({ action, by: [other.apply], group: 'deregisters a task definition of the other environment (AWS takes no resource for it; its tasks and services keep running)' })),
        ...(model.unscopedReads ?? []).map((action) => ({ action, by: [other.apply, other.plan], group: 'reads a task definition of the other environment (AWS takes no resource for it; ours hold no secret)' })),
      ];
      for (const { action, by, group } of unscoped) {
        const reaches = by.includes(principal) && owner.account === other.account;
        cases.push({ group: reaches ? group : `reaches nothing of ${owner.config.name}`, principal, action, resource: arn, resourceAccount: owner.account, context: {}, expected: reaches ? 'allowed' : 'denied', subject: type });
      }
    }
  }
  if (owner.ecsRoles) cases.push(...borrowedTaskDefinitionCases(owner, at, principals, whereOf(other)));
  for (const principal of principals) {
    for (const op of databaseAttacks(at)) {
      cases.push({ group: `reaches nothing of ${owner.config.name}`, principal, action: op.action, resource: op.arn, resourceAccount: owner.account, context: op.context ?? {}, expected: 'denied', subject: 'database secret and accounts' });
    }
  }
  return cases;
}

/** Every role of an environment that could be turned against another: its deploy roles, what its apply role can create, its push role, its ECS roles. */
export function attackers(env: EnvironmentUnderTest): Principal[] {
  return [env.apply, env.plan, env.created, env.containerCreated, env.imagePush, ...(env.ecsRoles ? [env.ecsRoles.task, env.ecsRoles.execution] : [])];
}

/** The state bucket: own state and lock as the role needs them, nothing of the other environment's, never without the state key. */
function stateCases(d: Deployment, owner: EnvironmentName): Case[] {
  const env = d.environments[owner];
  const object = (e: EnvironmentName) => `arn:aws:s3:::${d.stateBucket}/${d.config.state.keyPrefix}/${e}.tfstate`;
  const withKey = { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': d.stateKeyArn };
  const s3 = { resourceAccount: '111111111111', resourcePolicy: d.stateBucketPolicy, subject: 'Terraform state' };
  const kms = { resource: d.stateKeyArn, resourceAccount: '111111111111', resourcePolicy: d.stateKeyPolicy, subject: 'state key' };
  const own = 'reads (plan) or reads and writes (apply) its own state, encrypted with the state key';
  const cases: Case[] = [
    { ...s3, group: own, principal: env.plan, action: 's3:GetObject', resource: object(owner), context: {}, expected: 'allowed' },
    { ...s3, group: own, principal: env.apply, action: 's3:GetObject', resource: object(owner), context: {}, expected: 'allowed' },
    { ...s3, group: own, principal: env.apply, action: 's3:PutObject', resource: object(owner), context: withKey, expected: 'allowed' },
    ...['s3:GetObject', 's3:PutObject', 's3:DeleteObject'].map((action) => ({ ...s3, group: own, principal: env.apply, action, resource: `${object(owner)}.tflock`, context: action === 's3:PutObject' ? withKey : {}, expected: 'allowed' as const })),
    { ...kms, group: own, principal: env.plan, action: 'kms:Decrypt', context: {}, expected: 'allowed' },
    ...['kms:Decrypt', 'kms:GenerateDataKey'].map((action) => ({ ...kms, group: own, principal: env.apply, action, context: {}, expected: 'allowed' as const })),
    { ...s3, group: 'writes state without the state key (AES256 or none)', principal: env.apply, action: 's3:PutObject', resource: object(owner), context: { 's3:x-amz-server-side-encryption': 'AES256' }, expected: 'denied' },
    { ...s3, group: 'writes state without the state key (AES256 or none)', principal: env.apply, action: 's3:PutObject', resource: `${object(owner)}.tflock`, context: {}, expected: 'denied' },
    { ...s3, group: 'writes or locks state (plan role)', principal: env.plan, action: 's3:PutObject', resource: object(owner), context: withKey, expected: 'denied' },
  ];
  for (const other of ENVIRONMENTS.filter((e) => e !== owner)) {
    for (const principal of attackers(d.environments[other])) {
      for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
        for (const resource of [object(owner), `${object(owner)}.tflock`]) {
          cases.push({ ...s3, group: `reaches nothing of ${owner}`, principal, action, resource, context: action === 's3:PutObject' ? withKey : {}, expected: 'denied' });
        }
      }
    }
  }
  return cases;
}

/** Other projects in the same account: their functions, secrets and client secrets are no deploy role's to read. */
function otherProjectCases(env: EnvironmentUnderTest): Case[] {
  const { region } = env.config;
  const account = env.account;
  const requests = [
    { action: 'lambda:GetFunction', resource: `arn:aws:lambda:${region}:${account}:function:billing-api` },
    { action: 'lambda:GetFunctionConfiguration', resource: `arn:aws:lambda:${region}:${account}:function:billing-api` },
    { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:${region}:${account}:secret:billing/db-AbCdEf` },
    { action: 'secretsmanager:DescribeSecret', resource: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-0ther0000-AbCdEf`, context: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': `arn:aws:rds:${region}:${account}:db:billing-db` } },
    { action: 'cognito-idp:DescribeUserPoolClient', resource: `arn:aws:cognito-idp:${region}:${account}:userpool/${region}_Billing0001` },
    { action: 'iam:GetRolePolicy', resource: `arn:aws:iam::${account}:role/billing-admin` },
    { action: 's3:GetObject', resource: 'arn:aws:s3:::billing-exports/2026/invoices.csv' },
  ];
  return [env.plan, env.apply].flatMap((principal) => requests.map((r) => ({
    group: 'reads other projects\' functions, secrets and client secrets', principal, action: r.action, resource: r.resource, resourceAccount: account,
    context: r.context ?? {}, expected: 'denied' as const, subject: 'another project',
  })));
}

/** Identical requests (the many `*`-only reads of one principal) are evaluated once. */
const decided = new Map<string, Promise<Outcome>>();

/** Evaluates one case with the engine; throws on a request the engine refuses as malformed. */
export async function evaluate(c: Case): Promise<Outcome> {
  const [service, name] = c.action.split(':');
  // Actions AWS authorizes on `*` only (Describe*, List*) are requested on `*`.
  const resource = (await isWildcardOnlyAction(service, name)) ? '*' : c.resource;
  const key = JSON.stringify([c.principal.arn, c.principal.identity, c.principal.boundary, c.principal.context, c.action, resource, c.resourceAccount, c.context, c.resourcePolicy, c.rcps]);
  if (!decided.has(key)) decided.set(key, run(c, resource));
  return decided.get(key)!;
}

async function run(c: Case, resource: string): Promise<Outcome> {
  const response = await runSimulation({
    request: { principal: c.principal.arn, action: c.action, resource: { resource, accountId: c.resourceAccount }, contextVariables: { 'aws:PrincipalArn': c.principal.arn, ...c.principal.context, ...c.context } },
    identityPolicies: c.principal.identity,
    permissionBoundaryPolicies: c.principal.boundary ? [c.principal.boundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: (c.rcps ?? []).map((policy, i) => ({ orgIdentifier: `o-rcp${i}`, policies: [{ name: `rcp${i}`, policy }] })),
    resourcePolicy: c.resourcePolicy,
  }, {});
  if (response.resultType === 'error') throw new Error(`${describe(c)}: the engine refused the request: ${JSON.stringify(response.errors)}`);
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  const allowed = response.overallResult === 'Allowed';
  const reasons = analysis ? (allowed ? getGrantReasons(analysis) : getDenialReasons(analysis)) : [];
  const deciding = reasons.map((r) => {
    const statement = 'statementId' in r && r.statementId ? r.statementId : 'statementIndex' in r ? `#${r.statementIndex}` : '';
    const policy = 'policyIdentifier' in r ? r.policyIdentifier : '';
    return `${r.policyType}${policy ? ` ${policy}` : ''}${statement ? ` ${statement}` : ''}${'denialType' in r ? ` (${r.denialType.toLowerCase()})` : ''}`;
  }).join('; ');
  return { decision: allowed ? 'allowed' : 'denied', deciding: deciding || response.overallResult };
}

export function describe(c: Case): string {
  return `${c.principal.label} ${c.action} on ${c.resource} (${c.subject})`;
}

export { OUTSIDE_ACCOUNT };

/** The organization id the documented RCP names. */
export const ORGANIZATION_ID = 'o-exampleorgid';

/**
 * Trust of the roles an apply role creates: whatever trust policy it writes, the role works only
 * inside the environment's functions and instances (the boundary), and the documented RCP stops
 * anyone outside the organization from assuming it.
 */
export function trustCases(d: Deployment, rcp: Json): Case[] {
  return ENVIRONMENTS.flatMap((name) => {
    const env = d.environments[name];
    const at = whereOf(env);
    const outside: Principal = { ...env.created, label: `role ${name}'s apply can create, used outside its functions`, context: {} };
    const staticBucket = resourcesByType(env).get('aws_s3_object')![0];
    const own = (action: string, resource: string, context: Record<string, string | string[]> = {}): Case => ({
      group: 'works outside its environment\'s functions and instances (assumed from another account)', principal: outside, action, resource, resourceAccount: env.account,
      context: { ...existing(name), ...context }, expected: 'denied', subject: 'own resource, foreign session',
    });
    const secret = databaseAttacks(at)[0];
    const created = env.created.arn;
    const trustingOutsider = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
    const caller = (account: string, label: string, context: Record<string, string> = {}): Principal => ({ label, arn: `arn:aws:iam::${account}:role/caller`, account, identity: [{ name: 'allow-all', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }], context });
    const assume = (principal: Principal, expected: Expected, group: string, rcps = [rcp]): Case => ({
      group, principal, action: 'sts:AssumeRole', resource: created, resourceAccount: env.account, context: {}, expected, subject: 'trust of a created role',
      resourcePolicy: { ...trustingOutsider, Statement: [{ ...trustingOutsider.Statement[0], Principal: { AWS: `arn:aws:iam::${principal.account}:root` } }] }, rcps,
    });
    return [
      own('s3:GetObject', staticBucket.arn),
      own('s3:PutObject', staticBucket.arn),
      own(secret.action, secret.arn, secret.context),
      own('sqs:SendMessage', `arn:aws:sqs:${env.config.region}:${env.account}:${env.config.namePrefix}-images`),
      own('rds-db:connect', `arn:aws:rds-db:${env.config.region}:${env.account}:dbuser:${env.config.databaseResourceId}/taskmanager_api`),
      // Without the RCP the trust alone lets the outsider in: the session is then the boundary's to make useless (above).
      assume(caller(OUTSIDE_ACCOUNT, `a principal outside the organization (${name} role)`), 'allowed', 'assumes a created role whose trust names it (no RCP)', []),
      assume(caller(OUTSIDE_ACCOUNT, `a principal outside the organization (${name} role)`), 'denied', 'assumes a created role whose trust names it (RCP of docs/delivery.md)'),
      assume(caller('444444444444', `a principal of the organization (${name} role)`, { 'aws:PrincipalOrgID': ORGANIZATION_ID }), 'allowed', 'assumes a created role whose trust names it (RCP of docs/delivery.md)'),
      // A role with the container boundary works in any session: the RCP is what keeps outsiders from assuming it.
      { ...assume(caller(OUTSIDE_ACCOUNT, `a principal outside the organization (${name} role)`), 'denied', 'assumes a created role whose trust names it (RCP of docs/delivery.md)'), resource: env.containerCreated.arn },
    ];
  });
}
