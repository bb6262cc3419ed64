/**
 * Regenerates the real-plan fixtures of the plan comment (__tests__/fixtures/plans/dev-*.json and
 * their `terraform show` text, dev-*.txt) with the local terraform and the AWS provider from the
 * plugin mirror: no AWS account, no network.
 *
 *   npm run fixtures:plans [-- --out DIR]
 *
 * 1. Synthesizes dev with the default configuration and plans it offline: the full create.
 * 2. Makes a state as if that plan had been applied: the planned values, with each value known only
 *    after apply replaced by a stand-in of its schema type (an ARN for `arn`, an id for `id`, ...),
 *    planned again until Terraform plans no change (policies that embed ARNs become known on the way).
 * 3. For each scenario, edits one resource of the synthesized JSON, as a code change would, and plans
 *    it against that state with `-refresh=false` (so the provider never calls AWS for a resource; a
 *    data source, read at plan time once its filters are known, reads from a local stand-in for EC2,
 *    scripts/support/fake-ec2.ts).
 * The fixtures keep what the comment reads (`resource_changes` without no-ops, output changes, the
 * verdict fields); `configuration`, `planned_values` and `prior_state` are left out for size.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { writeOfflineOverride } from '../delivery/offline-checks';
import { init, terraformOrThrow } from '../delivery/terraform';
import { type FakeEc2, startFakeEc2 } from './support/fake-ec2';
import { fakeValue, type SchemaBlock, sensitivePaths } from './support/fake-state';
import { synthesizeApp } from './support/synth-app';

type Json = Record<string, unknown>;
interface StackJson { resource: Record<string, Record<string, Json>>; output?: Record<string, Json> }
interface PlannedResource { address: string; mode: string; type: string; name: string; values: Json; sensitive_values?: Json }
interface Plan {
  resource_changes?: { address: string; type: string; change: { actions: string[]; after_unknown?: Json; after_sensitive?: Json } }[];
  planned_values: { root_module: { resources?: PlannedResource[] }; outputs?: Record<string, { value?: unknown; sensitive?: boolean; type?: unknown }> };
  [key: string]: unknown;
}

const REPO = path.resolve(__dirname, '../..');
const USAGE = `usage: npm run fixtures:plans [-- --out DIR]

Plans the dev stack with the local terraform and the AWS provider from TF_PLUGIN_DIR (no AWS account),
then each scenario of scripts/plan-fixtures.ts against the state that plan would leave, and writes
<name>.json (the plan, as the comment reads it) and <name>.txt (terraform show) for each.
  --out DIR     where to write them (default __tests__/fixtures/plans)
  --state FILE  reuse the applied state in FILE when it exists, else write it there (saves the
                minutes of planning until the state settles while a scenario is being written)
  --help      this text`;
const AWS = 'registry.terraform.io/hashicorp/aws';

export interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly edit: (stack: StackJson) => void;
}

function only(stack: StackJson, type: string, prefix: string): Json {
  const names = Object.keys(stack.resource[type] ?? {}).filter((n) => n.startsWith(prefix));
  if (names.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${names.length}: the stack changed, update scripts/plan-fixtures.ts`);
  return stack.resource[type][names[0]];
}

/**
 * Edits a policy as configured: JSON text whose strings hold `${…}` interpolations, some with
 * quotes of their own, so they are set aside while the JSON is parsed and put back after.
 */
function editPolicy(resource: Json, change: (statements: Json[]) => void): void {
  const expressions: string[] = [];
  const text = (resource.policy as string).replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, (expression) => `@@${expressions.push(expression) - 1}@@`);
  const policy = JSON.parse(text) as { Statement: Json[] };
  change(policy.Statement);
  resource.policy = JSON.stringify(policy).replace(/@@(\d+)@@/g, (_, i: string) => expressions[Number(i)]);
}

/** The code changes the fixtures are plans of. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'dev-iam-action-added',
    what: 'the API instance policy may also read the image queue\'s attributes (sqs:GetQueueAttributes)',
    edit: (stack) => editPolicy(only(stack, 'aws_iam_role_policy', 'api_instance-policy'), (statements) => {
      const send = statements.find((s) => s.Sid === 'SendImageJobs')!;
      send.Action = [send.Action, 'sqs:GetQueueAttributes'];
    }),
  },
  {
    name: 'dev-bucket-policy-statement-removed',
    what: 'the static bucket\'s policy loses its statement that denies requests without TLS',
    edit: (stack) => editPolicy(only(stack, 'aws_s3_bucket_policy', 'assets_static_policy'), (statements) => {
      statements.splice(statements.findIndex((s) => s.Sid === 'DenyInsecureTransport'), 1);
    }),
  },
  {
    name: 'dev-user-data-changed',
    what: 'the API instances\' first-boot script also installs jq',
    edit: (stack) => {
      const template = only(stack, 'aws_launch_template', 'api_launch-template');
      const before = template.user_data as string;
      template.user_data = before.replace('dnf install -y nodejs22 amazon-cloudwatch-agent', 'dnf install -y nodejs22 amazon-cloudwatch-agent jq');
      if (template.user_data === before) throw new Error('the launch template\'s user data no longer has the dnf line this scenario edits');
    },
  },
  {
    name: 'dev-database-replaced',
    what: 'the database\'s master user gets another name, which replaces the database (a new identifier would not: RDS renames in place)',
    edit: (stack) => {
      only(stack, 'aws_db_instance', 'database_instance').username = 'dbadmin';
    },
  },
];

async function plan(dir: string): Promise<Plan> {
  await terraformOrThrow(['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out=fixture.tfplan'], { dir });
  return JSON.parse(await terraformOrThrow(['show', '-json', '-no-color', 'fixture.tfplan'], { dir })) as Plan;
}

function planText(dir: string): Promise<string> {
  return terraformOrThrow(['show', '-no-color', 'fixture.tfplan'], { dir });
}

interface Schemas { [type: string]: { version: number; block: SchemaBlock } }

/** The state Terraform would hold had `p` been applied, with stand-ins for what only apply knows. */
function stateFrom(p: Plan, stack: StackJson, schemas: Schemas, serial: number): Json {
  const changeOf = new Map((p.resource_changes ?? []).map((rc) => [rc.address, rc.change]));
  const resources = (p.planned_values.root_module.resources ?? []).filter((r) => r.mode === 'managed').map((r) => {
    const schema = schemas[r.type];
    if (!schema) throw new Error(`no provider schema for ${r.type}`);
    const alias = (stack.resource[r.type]?.[r.name]?.provider as string | undefined)?.split('.')[1];
    const node = { kind: 'block', block: schema.block } as const;
    const change = changeOf.get(r.address);
    // What names the resource in AWS (its name, bucket or identifier) names its stand-ins.
    // Terraform leaves `values` out when every value is unknown.
    const values = r.values ?? {};
    const label = [values.name, values.bucket, values.identifier].find((v) => typeof v === 'string' && v !== '') as string | undefined;
    const attributes = fakeValue(values, change?.after_unknown ?? {}, node, [r.type, label ?? r.name]);
    const sensitive = sensitivePaths(change?.after_sensitive ?? r.sensitive_values, node);
    return {
      mode: 'managed',
      type: r.type,
      name: r.name,
      provider: `provider["${AWS}"]${alias ? `.${alias}` : ''}`,
      instances: [{ schema_version: schema.version, attributes, sensitive_attributes: sensitive }],
    };
  });
  const outputs = Object.fromEntries(Object.entries(p.planned_values.outputs ?? {})
    .filter(([, o]) => o.value !== undefined && o.type !== undefined)
    .map(([name, o]) => [name, { value: o.value, type: o.type, ...(o.sensitive ? { sensitive: true } : {}) }]));
  return { version: 4, terraform_version: '1.11.4', serial, lineage: 'plan-fixtures', outputs, resources };
}

function pending(p: Plan): string[] {
  return (p.resource_changes ?? []).filter((rc) => rc.change.actions.join() !== 'no-op').map((rc) => `${rc.address} (${rc.change.actions.join('/')})`);
}

/** What the comment reads, without the parts of a plan it does not (they are most of its size). */
function slim(p: Plan): Json {
  const rest = Object.fromEntries(Object.entries(p).filter(([key]) => !['configuration', 'planned_values', 'prior_state', 'relevant_attributes', 'timestamp'].includes(key)));
  return { ...rest, resource_changes: (p.resource_changes ?? []).filter((rc) => rc.change.actions.join() !== 'no-op') };
}

function save(out: string, name: string, p: Plan, text: string): void {
  fs.writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(slim(p), null, 1)}\n`);
  fs.writeFileSync(path.join(out, `${name}.txt`), text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    out: { type: 'string', default: path.join(REPO, '__tests__/fixtures/plans') },
    state: { type: 'string' },
    help: { type: 'boolean', default: false },
  } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const out = path.resolve(values.out!);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-fixtures-'));
  let ec2: FakeEc2 | undefined;
  try {
    const synth = path.join(work, 'cdktf.out');
    synthesizeApp(synth, { TM_ENVIRONMENTS: 'dev' }, { stdio: 'inherit' });
    const dir = path.join(work, 'dev');
    fs.cpSync(path.join(synth, 'stacks', 'dev'), dir, { recursive: true });
    writeOfflineOverride(dir);
    // Against the applied state a data source's filters are known, so plan reads it: from a local stand-in for EC2.
    ec2 = await startFakeEc2();
    const overrideFile = path.join(dir, 'offline_override.tf.json');
    const override = JSON.parse(fs.readFileSync(overrideFile, 'utf8')) as { provider: { aws: Json[] } };
    for (const provider of override.provider.aws) provider.endpoints = { ec2: ec2.url };
    fs.writeFileSync(overrideFile, JSON.stringify(override, null, 2));
    const initResult = await init({ dir }, { offline: true, backend: true });
    if (initResult.code !== 0) throw new Error(initResult.stderr);
    const stackFile = path.join(dir, 'cdk.tf.json');
    const original = fs.readFileSync(stackFile, 'utf8');
    const stack = JSON.parse(original) as StackJson;

    // The synthesized JSON the plans are of: construct paths, and policies the create plan knows only after apply.
    fs.writeFileSync(path.join(out, 'dev-synthesized.json'), original);
    const created = await plan(dir);
    save(out, 'dev-created', created, await planText(dir));
    console.log(`dev-created: ${pending(created).length} changes`);

    const schemaJson = JSON.parse(await terraformOrThrow(['providers', 'schema', '-json'], { dir })) as { provider_schemas: Record<string, { resource_schemas: Schemas }> };
    const schemas = schemaJson.provider_schemas[AWS].resource_schemas;
    const stateFile = path.join(dir, 'offline.tfstate');
    let current = created;
    const cached = values.state && fs.existsSync(values.state) ? fs.readFileSync(values.state, 'utf8') : undefined;
    if (cached) fs.writeFileSync(stateFile, cached);
    for (let round = 1; !cached; round++) {
      fs.writeFileSync(stateFile, JSON.stringify(stateFrom(current, stack, schemas, round), null, 1));
      current = await plan(dir);
      const left = pending(current);
      console.log(`applied state, round ${round}: ${left.length} changes left`);
      if (left.length === 0) break;
      if (process.env.PLAN_FIXTURES_DEBUG) fs.writeFileSync(path.join(out, `unsettled-${round}.json`), JSON.stringify(slim(current), null, 1));
      if (round === 6) throw new Error(`the applied state does not settle; still planned:\n${left.join('\n')}`);
    }
    const applied = fs.readFileSync(stateFile, 'utf8');
    if (values.state && !cached) fs.writeFileSync(values.state, applied);
    for (const scenario of SCENARIOS) {
      const edited = JSON.parse(original) as StackJson;
      scenario.edit(edited);
      fs.writeFileSync(stackFile, JSON.stringify(edited, null, 2));
      fs.writeFileSync(stateFile, applied);
      const p = await plan(dir);
      save(out, scenario.name, p, await planText(dir));
      console.log(`${scenario.name}: ${pending(p).join(', ')}`);
    }
  } finally {
    await ec2?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
