/**
 * Environment isolation of the deploy roles, decided by a real IAM policy evaluation engine
 * (@cloud-copilot/iam-simulate: identity policies, permissions boundaries, resource policies,
 * RCPs, every condition) over the policies of the synthesized bootstrap stack, in both account
 * layouts. A failing case names the request and the statement that decided it.
 */
import type { EnvironmentName } from '../../stacks/config';
import { deployment, Deployment, ENVIRONMENTS, FARGATE_ENVIRONMENT, Layout, LAYOUTS } from './isolation/deployment';
import { CONTAINER_GROUPS } from './isolation/container-cases';
import { attackers, Case, casesOf, describe as describeCase, evaluate, Outcome, resourcesByType, trustCases } from './isolation/matrix';
import { RESOURCE_MODELS } from './isolation/resource-models';
import { documentedPolicy, documentedTable, rolesTable, writeDocumentedTable } from './isolation/roles-table';
import { TIME_LIMITS } from '../support/time-limits';

jest.setTimeout(TIME_LIMITS.realEngine);

const RCP_MARKER = '<!-- rcp:project-roles -->';
const evaluated = new Map<Layout, { d: Deployment; cases: Case[]; outcomes: Map<Case, Outcome> }>();

async function layout(name: Layout) {
  if (!evaluated.has(name)) {
    const d = deployment(name);
    const cases = [...casesOf(d), ...trustCases(d, documentedPolicy(RCP_MARKER) as Record<string, unknown>)];
    const outcomes = new Map<Case, Outcome>();
    for (const c of cases) outcomes.set(c, await evaluate(c));
    evaluated.set(name, { d, cases, outcomes });
  }
  return evaluated.get(name)!;
}

/** The cases of `filter` that did not decide as expected, each with the statement that decided. */
async function wrong(name: Layout, filter: (c: Case) => boolean): Promise<string[]> {
  const { cases, outcomes } = await layout(name);
  const selected = cases.filter(filter);
  expect(selected.length).toBeGreaterThan(0);
  return selected
    .filter((c) => outcomes.get(c)!.decision !== c.expected)
    .map((c) => `${describeCase(c)}: expected ${c.expected}, ${outcomes.get(c)!.decision} by ${outcomes.get(c)!.deciding}`);
}

const other = (env: EnvironmentName) => ENVIRONMENTS.find((e) => e !== env)!;

describe.each(LAYOUTS)('Deploy roles, %s', (name) => {
  test('have cases for every resource type the environment stacks create', async () => {
    const { d, cases } = await layout(name);
    const types = new Set(ENVIRONMENTS.flatMap((env) => Object.keys(d.environments[env].stack.resource)));
    expect([...types].filter((t) => !RESOURCE_MODELS[t])).toEqual([]);
    for (const env of ENVIRONMENTS) {
      const attacked = new Set(cases.filter((c) => c.group === `reaches nothing of ${env}`).map((c) => c.subject));
      expect([...resourcesByType(d.environments[env]).keys()].filter((t) => !attacked.has(t))).toEqual([]);
    }
  });

  test('cover the types of both compute kinds: one environment runs the API on Fargate, the other on EC2', async () => {
    const { d } = await layout(name);
    const types = (env: EnvironmentName) => Object.keys(d.environments[env].stack.resource);
    const fargate = FARGATE_ENVIRONMENT[name];
    expect(types(fargate)).toEqual(expect.arrayContaining(['aws_ecs_service', 'aws_ecs_task_definition', 'aws_appautoscaling_target', 'aws_ecr_repository']));
    expect(types(other(fargate))).toEqual(expect.arrayContaining(['aws_autoscaling_group', 'aws_launch_template', 'aws_ecr_repository']));
    expect(d.environments[fargate].ecsRoles).toBeDefined();
  });

  test.each(ENVIRONMENTS)("%s's apply, plan, image-push and ECS roles and the roles its apply role creates reach nothing of the other environment", async (env) => {
    const { d, cases } = await layout(name);
    const target = other(env);
    for (const who of attackers(d.environments[env])) {
      expect(cases.filter((c) => c.principal === who && c.group === `reaches nothing of ${target}`).length).toBeGreaterThanOrEqual(40);
    }
    expect(await wrong(name, (c) => c.group === `reaches nothing of ${target}` && c.principal.label.includes(env))).toEqual([]);
  });

  test.each(ENVIRONMENTS)("%s's apply role may create, change and delete every resource of its plan, with the tags the plan sets", async (env) => {
    expect(await wrong(name, (c) => c.principal.label === `apply ${env}` && c.group.startsWith('creates, changes and deletes'))).toEqual([]);
  });

  test('changing CloudFront policies and log deliveries is an operator\'s step only when environments share an account', async () => {
    const { cases } = await layout(name);
    const operator = cases.filter((c) => c.group.includes('operator only'));
    expect(operator.length > 0).toBe(name === 'one account');
    expect(await wrong(name, (c) => c.subject === 'aws_cloudfront_response_headers_policy' && c.principal.label.startsWith('apply'))).toEqual([]);
  });

  test.each(ENVIRONMENTS)("%s's plan role refreshes every resource of its environment's plan", async (env) => {
    expect(await wrong(name, (c) => c.principal.label === `plan ${env}` && c.group.startsWith('refreshes'))).toEqual([]);
  });

  test('no deploy role reads other projects\' functions, secrets or client secrets', async () => {
    expect(await wrong(name, (c) => c.group.startsWith('reads other projects'))).toEqual([]);
  });

  test('each environment reads and writes only its own state, and only encrypted with the state key', async () => {
    expect(await wrong(name, (c) => c.subject === 'Terraform state' || c.subject === 'state key')).toEqual([]);
  });

  test('the ECS task and execution roles do their jobs and nothing more of their own environment', async () => {
    expect(await wrong(name, (c) => c.group === CONTAINER_GROUPS.jobs || c.group === CONTAINER_GROUPS.beyondJobs)).toEqual([]);
  });

  test('a role with the container boundary reaches, in any session, only its environment\'s images, image jobs, API account and API logs', async () => {
    expect(await wrong(name, (c) => c.group === CONTAINER_GROUPS.outsideReach || c.group === CONTAINER_GROUPS.outsideLimits)).toEqual([]);
  });

  test('each image-push role pushes to its environment\'s repository and does nothing else', async () => {
    expect(await wrong(name, (c) => c.group === CONTAINER_GROUPS.pushes || c.group === CONTAINER_GROUPS.pushOnly)).toEqual([]);
  });

  test('no apply role changes its environment\'s image-push role or the boundaries of the push and ECS roles', async () => {
    expect(await wrong(name, (c) => c.group === CONTAINER_GROUPS.untouchable)).toEqual([]);
  });

  test('the repository policy refuses pushes and pulls of anyone but the push and execution roles, whatever their own policies allow', async () => {
    expect(await wrong(name, (c) => c.group === CONTAINER_GROUPS.refused)).toEqual([]);
  });

  test('a role an apply role creates does nothing outside its environment\'s functions and instances, and nobody outside the organization assumes it', async () => {
    expect(await wrong(name, (c) => c.subject === 'own resource, foreign session' || c.subject === 'trust of a created role')).toEqual([]);
  });

  test('deploy roles may read and deregister the other environment\'s task definitions only in one account, where AWS takes no resource for it', async () => {
    const { cases } = await layout(name);
    const reaching = cases.filter((c) => /^(deregisters|reads) a task definition of the other environment/.test(c.group));
    expect(reaching.length > 0).toBe(name === 'one account');
    expect(await wrong(name, (c) => c.action === 'ecs:DeregisterTaskDefinition' || c.action === 'ecs:DescribeTaskDefinition')).toEqual([]);
  });
});

test('docs/delivery.md shows the roles table the cases make (npm run docs:roles rewrites it)', async () => {
  const casesByLayout = new Map<Layout, Case[]>();
  for (const name of LAYOUTS) casesByLayout.set(name, (await layout(name)).cases);
  const table = rolesTable(casesByLayout);
  if (process.env.UPDATE_ROLES_TABLE === '1') writeDocumentedTable(table);
  expect(documentedTable()).toBe(table);
});
