import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { attributeDiff, SENSITIVE, UNKNOWN } from '../../delivery/plan/attributes';
import { classify, parsePlan, PlanFormatError, type PlanJson, type ResourceChange, summarize } from '../../delivery/plan/model';
import { code, GITHUB_COMMENT_LIMIT, renderComment, type StackResult } from '../../delivery/plan/render';
import { loadStack, outcome, UsageError } from '../../delivery/plan/comment';
import { parseArgs, run } from '../../scripts/plan-comment';
import { describeWithTerraform, tempDir } from './support/terraform';
import { planAfter, type TerraformJson } from './support/terraform-data';
import { TIME_LIMITS } from '../support/time-limits';

const OWN_PLANS = path.resolve(__dirname, '../fixtures/plans');

function load(dir: string, name: string): PlanJson {
  return parsePlan(fs.readFileSync(path.join(dir, name), 'utf8'));
}
const own = (name: string) => load(OWN_PLANS, name);
const planned = (stack: string, plan: PlanJson): StackResult => ({ stack, status: 'planned', plan });

/** The text between a heading line and the next one of the same level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n#### ', start + heading.length);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** `count` copies of a terraform_data resource with the given input, and an output. */
function instances(count: number, input: string, output = '${terraform_data.test[0].output}'): TerraformJson {
  return { resource: { terraform_data: { test: { count, input } } }, output: { test: { value: output } } };
}

describeWithTerraform('plans made by terraform itself (terraform_data, no provider)', false, () => {
  const work = tempDir('plan-comment-');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('a first plan of three instances: three to add, marker first, details folded', async () => {
    const plan = await planAfter(path.join(work, 'create'), [], instances(3, 'bar'));
    const md = renderComment([planned('dev', plan)]);
    expect(md.split('\n')[0]).toBe('<!-- taskmanager-plan -->');
    expect(md).toContain('| `dev` | 🟡 changes | 3 | 0 | 0 | 0 |');
    expect(md).toContain('**3** to add, **0** to change, **0** to replace, **0** to destroy');
    expect(md).toMatch(/<details><summary>Details for dev: 3 resource changes<\/summary>\n\n```diff\n# terraform_data\.test\[0\] will be created/);
    expect(md).toContain('+     input = "bar"');
    // What only apply knows is one line per resource, not one line per attribute.
    expect(md).toContain('~     (known after apply: id, output)');
    expect(md).not.toContain(`= ${UNKNOWN}`);
    expect(md).toContain('**Outputs:** `test` (create)');
    expect(md).not.toContain('Destroyed or replaced');
  }, TIME_LIMITS.realEngine);

  it('a destroy is listed before an update, in the summary and in the open diff', async () => {
    const before = { resource: { terraform_data: { test: { input: 'foo' }, 'test-delete': { input: 'gone' } } } };
    const plan = await planAfter(path.join(work, 'delete'), [before], { resource: { terraform_data: { test: { input: 'bar' } } } });
    const md = renderComment([planned('dev', plan)]);
    expect(md).toContain('**0** to add, **1** to change, **0** to replace, **1** to destroy');
    expect(md).toContain('**Destroyed or replaced (1):**\n\n- 🔴 **destroy** `terraform_data.test-delete` (no longer in the configuration)');
    const open = section(md, '**Changed, riskiest first:**');
    expect(open.indexOf('terraform_data.test-delete will be destroyed')).toBeLessThan(open.indexOf('terraform_data.test will be updated in-place'));
    expect(open).toContain('!     input: "foo" -> "bar"');
    // terraform_data holds no data: no data-loss warning.
    expect(md).not.toContain('Data-loss risk');
  }, TIME_LIMITS.realEngine);

  it('an instance with nothing to do is neither counted nor shown, nor is an unchanged output', async () => {
    const plan = await planAfter(path.join(work, 'noop'), [instances(1, 'same')], instances(2, 'same'));
    expect(plan.resource_changes!.map((r) => [r.address, r.change.actions])).toEqual([['terraform_data.test[0]', ['no-op']], ['terraform_data.test[1]', ['create']]]);
    const md = renderComment([planned('dev', plan)]);
    expect(md).toContain('**1** to add, **0** to change, **0** to replace, **0** to destroy');
    expect(md).toContain('terraform_data.test[1] will be created');
    expect(md).not.toContain('terraform_data.test[0]');
    expect(md).not.toContain('**Outputs:**');
  }, TIME_LIMITS.realEngine);
});

describe('classification', () => {
  const change = (actions: string[], extra: Partial<ResourceChange> = {}): ResourceChange => ({ address: 'aws_db_instance.x', type: 'aws_db_instance', mode: 'managed', change: { actions }, ...extra });

  it('tells both replacement orders apart', () => {
    expect(classify(change(['delete', 'create']))).toMatchObject({ kind: 'replace', replaceOrder: 'delete-before-create', dataLossRisk: true });
    expect(classify(change(['create', 'delete']))).toMatchObject({ kind: 'replace', replaceOrder: 'create-before-destroy', dataLossRisk: true });
  });

  it('flags destroys of stateful types only', () => {
    expect(classify(change(['delete'])).dataLossRisk).toBe(true);
    expect(classify(change(['update'])).dataLossRisk).toBe(false);
    expect(classify({ ...change(['delete']), type: 'aws_security_group' }).dataLossRisk).toBe(false);
    expect(classify({ ...change(['delete']), mode: 'data' }).dataLossRisk).toBe(false);
    for (const type of ['aws_s3_bucket', 'aws_sqs_queue', 'aws_cloudwatch_log_group', 'aws_rds_cluster', 'aws_dynamodb_table', 'aws_efs_file_system', 'aws_secretsmanager_secret']) {
      expect(classify({ ...change(['delete']), type }).dataLossRisk).toBe(true);
    }
  });

  it('recognizes read, forget, import and move', () => {
    expect(classify(change(['read'])).kind).toBe('read');
    expect(classify(change(['forget'])).kind).toBe('forget');
    expect(classify(change(['no-op'], { change: { actions: ['no-op'], importing: { id: 'x' } } }))).toMatchObject({ kind: 'no-op', importing: true });
    expect(classify(change(['no-op'], { previous_address: 'aws_db_instance.old' }))).toMatchObject({ kind: 'no-op', moved: true });
  });

  it('rejects what is not a plan', () => {
    expect(() => parsePlan('not json')).toThrow(PlanFormatError);
    expect(() => parsePlan('[]')).toThrow('not a JSON object');
    expect(() => parsePlan('{"format_version":"2.0"}')).toThrow('unsupported plan format_version 2.0');
    expect(() => parsePlan('{"resource_changes":[{"address":"a"}]}')).toThrow('no address or change.actions');
    expect(() => parsePlan('{"hello":1}')).toThrow('not a Terraform plan');
  });
});

describe('AWS-shaped plans', () => {
  it('replacements (both orders) and destroys come first, with the data-loss risk spelled out', () => {
    const md = renderComment([planned('prod', own('aws-replace-and-destroy.json'))]);
    expect(md).toContain('| `prod` | ⚠️ data-loss risk | 1 | 1 | 3 | 2 | 1 output |');
    expect(md).toContain('> [!CAUTION]\n> **Data-loss risk:** this plan destroys or replaces 3 resources that hold data.');
    expect(md).toContain('> - `prod`: **destroy** `aws_s3_bucket.assets`');
    expect(md).toContain('> - `prod`: **replace** `aws_db_instance.main`');
    expect(md).toContain('> - `prod`: **replace** `aws_sqs_queue.jobs`');
    const list = section(md, '**Destroyed or replaced (5):**').split('\n\n')[1];
    const lines = list.split('\n');
    expect(lines).toEqual([
      '- 🔴 **destroy** `aws_s3_bucket.assets` (no longer in the configuration) — ⚠️ **data-loss risk**: `aws_s3_bucket` holds data',
      '- 🔴 **destroy** `aws_instance.bastion`',
      '- 🟠 **replace (destroy old, then create new)** `aws_db_instance.main` (an attribute cannot be updated in place; forced by `engine`) — ⚠️ **data-loss risk**: `aws_db_instance` holds data',
      '- 🟠 **replace (create new, then destroy old)** `aws_sqs_queue.jobs` (forced by `fifo_queue`, `name`) — ⚠️ **data-loss risk**: `aws_sqs_queue` holds data',
      '- 🟠 **replace (create new, then destroy old)** `aws_launch_template.app` (forced by `image_id`)',
    ]);
    // Changes other than creates are shown open, riskiest first; the create is in the folded details.
    const details = section(md, '**Changed, riskiest first:**');
    expect(md.slice(md.indexOf('<details>'))).toContain('aws_cloudwatch_metric_alarm.cpu will be created');
    expect(details).toContain('# aws_db_instance.main must be replaced (destroy before create) [an attribute cannot be updated in place; DATA-LOSS RISK]\n-/+ resource "aws_db_instance"');
    expect(details).toContain('!     engine: "mysql" -> "mariadb"   # forces replacement');
    expect(details).toContain('+/- resource "aws_launch_template"');
    expect(details).toContain('+     ingress[1].from_port = 443');
    expect(details).toContain('+     tags.Tier = "edge"');
    // Sensitive even in a replacement.
    expect(md).not.toContain('SUPERSECRET');
    // Destroys, then replacements, then updates, then creates.
    const order = ['aws_s3_bucket.assets will be destroyed', 'aws_instance.bastion will be destroyed', 'aws_db_instance.main must be replaced', 'aws_security_group.alb will be updated', 'aws_cloudwatch_metric_alarm.cpu will be created'];
    const positions = order.map((text) => md.indexOf(text, md.indexOf('**Changed, riskiest first:**')));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('reports drift separately from the planned changes', () => {
    const plan = own('aws-drift.json');
    const s = summarize(plan);
    expect(s.counts).toMatchObject({ add: 1, change: 1, destroy: 0, replace: 0 });
    expect(s.drift.map((d) => [d.resource.address, d.kind])).toEqual([['aws_cloudwatch_log_group.api', 'delete'], ['aws_security_group.app', 'update']]);
    const md = renderComment([planned('dev', plan)]);
    expect(md).toContain('| `dev` | 🟡 changes | 1 | 1 | 0 | 0 | drift: 2 |');
    expect(md).toContain('**Drift: 2 resources changed outside Terraform** since the last apply.');
    expect(md).toContain('- `aws_cloudwatch_log_group.api`: deleted outside Terraform');
    expect(md).toContain('- `aws_security_group.app`: changed outside Terraform');
    // A resource deleted outside Terraform is drift, not a planned destroy.
    expect(md).not.toContain('Destroyed or replaced');
    expect(md).not.toContain('Data-loss risk');
    expect(md).toContain('# aws_cloudwatch_log_group.api has been deleted outside Terraform');
    expect(md).not.toContain('aws_vpc.main'); // no-op drift entries are noise
  });

  it('never prints a value marked sensitive, at any depth, nor variables', () => {
    const plan = own('aws-sensitive.json');
    const raw = JSON.stringify(plan);
    expect(raw.match(/SUPERSECRET/g)!.length).toBeGreaterThanOrEqual(8); // the fixture really holds secrets
    const md = renderComment([planned('dev', plan)], { maxAttributes: 1000 });
    expect(md).not.toContain('SUPERSECRET');
    expect(md).toContain(`+     secret_string = ${SENSITIVE}`);
    // nested: a whole map under a list, and one attribute of a nested block
    expect(md).toContain(`!     environment[0].variables: ${SENSITIVE} -> ${SENSITIVE}`);
    expect(md).toContain('!     timeout: 10 -> 30');
    expect(md).toContain('!     instance_class: "db.t4g.micro" -> "db.t4g.small"');
    expect(md).not.toContain('kms_key_id'); // an unchanged sensitive value is not even listed
    // an attribute whose whole after value is sensitive
    expect(md).toContain(`+     (whole value) = ${SENSITIVE}`);
    expect(md).toContain('**Outputs:** `db_password` (create)');
  });

  it('does not hide a change of a sensitive value, and says which', () => {
    const diffs = attributeDiff({
      actions: ['update'],
      before: { password: 'SUPERSECRET-a', nested: [{ key: 'SUPERSECRET-k', plain: 1 }] },
      after: { password: 'SUPERSECRET-b', nested: [{ key: 'SUPERSECRET-k', plain: 2 }] },
      before_sensitive: { password: true, nested: [{ key: true }] },
      after_sensitive: { password: true, nested: [{ key: true }] },
    });
    expect(diffs).toEqual([
      { path: 'nested[0].plain', at: ['nested', 0, 'plain'], op: 'change', before: '1', after: '2', forcesReplacement: false, unknown: false },
      { path: 'password', at: ['password'], op: 'change', before: SENSITIVE, after: SENSITIVE, forcesReplacement: false, unknown: false },
    ]);
    expect(JSON.stringify(diffs)).not.toContain('SUPERSECRET');
  });

  it('shows unknown values as known after apply, including unknown list elements', () => {
    const diffs = attributeDiff({
      actions: ['update'],
      before: { ids: ['a'], arn: 'arn:1' },
      after: { ids: [null, null] },
      after_unknown: { ids: [false, true], arn: true },
    });
    expect(diffs).toEqual([
      { path: 'arn', at: ['arn'], op: 'change', before: '"arn:1"', after: UNKNOWN, forcesReplacement: false, unknown: true },
      { path: 'ids[0]', at: ['ids', 0], op: 'remove', before: '"a"', after: undefined, forcesReplacement: false, unknown: false },
      { path: 'ids[1]', at: ['ids', 1], op: 'add', before: undefined, after: UNKNOWN, forcesReplacement: false, unknown: true },
    ]);
  });

  it('no-op, read, import, move and forget', () => {
    const plan = own('aws-noop-read-import-move.json');
    const s = summarize(plan);
    expect(s.counts).toEqual({ add: 0, change: 1, replace: 0, destroy: 0, import: 2, move: 1, read: 1, forget: 1 });
    const md = renderComment([planned('dev', plan)]);
    expect(md).toContain('**0** to add, **1** to change, **0** to replace, **0** to destroy, **2** to import, **1** moved, **1** to read, **1** to forget');
    expect(md).toContain('| `dev` | 🟡 changes | 0 | 1 | 0 | 0 | 2 import, 1 moved, 1 read, 1 forget |');
    expect(md).toContain('# aws_s3_bucket.legacy has no attribute changes [imported from id "tm-legacy"]');
    expect(md).toContain('# aws_sns_topic.alerts has no attribute changes [moved from aws_sns_topic.alarms]');
    expect(md).toContain('# data.aws_ami.al2023 will be read during apply [its configuration depends on values known only after apply]\n<= data "aws_ami"');
    expect(md).toContain('# aws_cloudwatch_dashboard.main will no longer be managed by Terraform (not destroyed)');
    expect(md).not.toContain('aws_vpc.main');
    expect(md).toContain('This plan is incomplete (1 deferred change)');
    // forget is not a destroy
    expect(md).not.toContain('Destroyed or replaced');
  });

  it('a plan with nothing to do says "No changes" (Terraform calls it not applyable, which is not a failure)', () => {
    const md = renderComment([planned('prod', own('aws-no-changes.json'))]);
    expect(md).toContain('| `prod` | ✅ no changes | 0 | 0 | 0 | 0 |  |');
    expect(md).toContain('#### ✅ `prod`: no changes\n\nNo changes.');
    expect(md).not.toContain('<details>');
    expect(md).not.toContain('failed');
  });

  it('an errored plan is a failure, whatever it planned before failing', () => {
    const md = renderComment([planned('dev', own('aws-errored.json')), planned('prod', own('aws-no-changes.json'))]);
    expect(md).toContain('| `dev` | ❌ failed | 1 | 0 | 0 | 0 |');
    expect(md).toContain('> [!IMPORTANT]\n> The plan failed for `dev`: see below.');
    expect(md).toContain('#### ❌ `dev`: plan failed\n\n**Terraform reported errors while planning (`errored: true`); the changes below are partial.**');
    expect(md).toContain('| `prod` | ✅ no changes |');
  });

  it('a plan with changes that is not applyable is a failure', () => {
    const s = summarize(own('aws-not-applyable.json'));
    expect(s).toMatchObject({ failed: true, failureReason: 'Terraform marked this plan as not applyable' });
    expect(renderComment([planned('dev', own('aws-not-applyable.json'))])).toContain('#### ❌ `dev`: plan failed');
  });

  it('a failed terraform run shows its output, trimmed to the end', () => {
    const error = `${'noise line\n'.repeat(1000)}\u001b[31mError: creating EC2 VPC: UnauthorizedOperation\u001b[0m\n`;
    const md = renderComment([{ stack: 'dev', status: 'failed', error }, { stack: 'prod', status: 'skipped', reason: 'Fork: no credentials.' }]);
    expect(md).toContain('| `dev` | ❌ failed | | | | | |');
    expect(md).toContain('Error: creating EC2 VPC: UnauthorizedOperation\n```');
    expect(md).not.toContain('\u001b[');
    expect(md).toMatch(/… \(\d+ earlier characters cut\)/);
    expect(md.length).toBeLessThan(10000);
    expect(md).toContain('| `prod` | ⏭️ not planned |');
    expect(md).toContain('#### ⏭️ `prod`: not planned\n\nFork: no credentials.');
  });

  it('addresses are escaped like values: a raw newline in a for_each key stays on its line', () => {
    const address = 'aws_s3_object.page["a\nb\u0007"]';
    const plan: PlanJson = { format_version: '1.2', resource_changes: [{ address, type: 'aws_s3_object', mode: 'managed', change: { actions: ['delete'], before: { key: 'a' } } }] };
    const md = renderComment([planned('dev', plan)]);
    expect(md).toContain('- 🔴 **destroy** `aws_s3_object.page["a\\nb\\u0007"]`');
    expect(md).toContain('# aws_s3_object.page["a\\nb\\u0007"] will be destroyed');
    expect(md).toContain('> - `dev`: **destroy** `aws_s3_object.page["a\\nb\\u0007"]`');
    expect(md).not.toContain(address);
    expect(md.split('\n').some((line) => line.startsWith('b'))).toBe(false);
  });

  it('values with backticks cannot break out of the code block', () => {
    const plan: PlanJson = { format_version: '1.2', resource_changes: [{ address: 'aws_ssm_parameter.x', type: 'aws_ssm_parameter', mode: 'managed', change: { actions: ['create'], before: null, after: { description: '```\n</details>\n# injected' }, after_unknown: {}, after_sensitive: {} } }] };
    const md = renderComment([planned('dev', plan)]);
    expect(md).toContain('````diff');
    // The value's </details> stays inside the longer fence; the real one closes the element.
    expect(md.match(/<\/details>/g)).toHaveLength(2);
    expect(md).toMatch(/\n````\n\n<\/details>\n$/);
    expect(code('a`b')).toBe('`` a`b ``');
  });
});

/** A plan of `n` resource changes, a mix of every action, with long values. */
function bigPlan(n: number): PlanJson {
  const kinds = [['create'], ['update'], ['delete'], ['delete', 'create'], ['create', 'delete']];
  const types = ['aws_instance', 'aws_security_group_rule', 'aws_s3_bucket', 'aws_route', 'aws_db_instance'];
  const resource_changes: ResourceChange[] = [];
  for (let i = 0; i < n; i++) {
    const actions = kinds[i % kinds.length];
    const type = types[i % types.length];
    resource_changes.push({
      address: `module.app.${type}.r${i}`,
      type,
      mode: 'managed',
      change: {
        actions,
        before: actions[0] === 'create' && actions.length === 1 ? null : { name: `old-${i}`, policy: 'x'.repeat(500), tags: { n: `${i}` } },
        after: actions[0] === 'delete' && actions.length === 1 ? null : { name: `new-${i}`, policy: 'y'.repeat(500), tags: { n: `${i}`, extra: 'z' } },
        after_unknown: { id: true },
        before_sensitive: {},
        after_sensitive: {},
        replace_paths: actions.length === 2 ? [['name']] : undefined,
      },
    });
  }
  return { format_version: '1.2', terraform_version: '1.11.4', resource_changes, applyable: true, complete: true, errored: false };
}

describe('size limit', () => {
  it('keeps a 2,000-resource plan under 65,536 characters with the summary intact and says it cut', () => {
    const plan = bigPlan(2000);
    const md = renderComment([planned('dev', plan), planned('prod', bigPlan(300))]);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(50000); // it uses the room it has
    expect(md.startsWith('<!-- taskmanager-plan -->\n')).toBe(true);
    expect(md).toContain('| `dev` | ⚠️ data-loss risk | 400 | 400 | 800 | 400 |');
    expect(md).toContain('| `prod` | ⚠️ data-loss risk | 60 | 60 | 120 | 60 |');
    expect(md).toContain('**400** to add, **400** to change, **800** to replace, **400** to destroy');
    expect(md).toContain("> [!WARNING]\n> The resource details were cut to stay under GitHub's 65,536-character comment limit; the counts above are complete.");
    expect(md).toMatch(/_\d+ more resource blocks not shown: this comment would pass GitHub's 65,536-character limit/);
    expect(md).toContain('- … and 1175 more destroyed or replaced (see the details below)');
    // Both stacks get detail and every details element is closed, with its code block.
    expect(md.match(/<details>/g)).toHaveLength(2);
    expect(md.match(/<\/details>/g)).toHaveLength(2);
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(md).toContain('Details for prod');
    expect(md).toMatch(/```diff\n# module\.app\.aws_s3_bucket\.r\d+ will be destroyed \[DATA-LOSS RISK\]/);
  });

  it('does not cut a plan that fits', () => {
    const md = renderComment([planned('dev', bigPlan(20))]);
    expect(md).not.toContain('[!WARNING]');
    expect(md).not.toContain('not shown');
    expect(md.match(/ will be | must be replaced/g)).toHaveLength(20);
  });

  it('honours a smaller maxLength', () => {
    const md = renderComment([planned('dev', bigPlan(200))], { maxLength: 8000 });
    expect(md.length).toBeLessThanOrEqual(8000);
    expect(md).toContain('| `dev` |');
  });
});

describe('CLI', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-comment-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('parses stack=file, error: and skipped: forms, and bare names with --dir', () => {
    fs.writeFileSync(path.join(tmp, 'prod.stderr'), 'Error: boom');
    const o = parseArgs(['--marker', 'm', 'dev=a.json', 'qa=error:e.txt', 'x=skipped:fork', '--dir', tmp, 'prod', 'stage']);
    expect(o.stacks).toEqual([
      { stack: 'dev', kind: 'plan', file: 'a.json' },
      { stack: 'qa', kind: 'error', file: 'e.txt' },
      { stack: 'x', kind: 'skipped', reason: 'fork' },
      { stack: 'prod', kind: 'error', file: path.join(tmp, 'prod.stderr') },
      { stack: 'stage', kind: 'plan', file: path.join(tmp, 'stage.json') },
    ]);
    expect(o.marker).toBe('m');
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['dev'])).toThrow('needs --dir');
    expect(() => parseArgs(['dev=a', 'dev=b'])).toThrow('given twice');
    expect(() => parseArgs(['--nope'])).toThrow(/unknown option/i);
    expect(() => parseArgs(['=x'])).toThrow('expected <stack>=<plan.json>');
  });

  it('turns a missing, empty or broken plan file into a failed stack, never "No changes"', () => {
    fs.writeFileSync(path.join(tmp, 'empty.json'), '');
    fs.writeFileSync(path.join(tmp, 'bad.json'), '{"format_version": "1.2", "resource_changes": [{}]}');
    expect(loadStack({ stack: 'a', kind: 'plan', file: path.join(tmp, 'missing.json') })).toMatchObject({ status: 'failed', error: expect.stringContaining('was not found') });
    expect(loadStack({ stack: 'a', kind: 'plan', file: path.join(tmp, 'empty.json') })).toMatchObject({ status: 'failed', error: expect.stringContaining('is empty') });
    expect(loadStack({ stack: 'a', kind: 'plan', file: path.join(tmp, 'bad.json') })).toMatchObject({ status: 'failed', error: expect.stringContaining('not a Terraform JSON plan') });
  });

  it('renders the fixtures, adds the run context and writes the step outputs', () => {
    const output = path.join(tmp, 'github_output');
    const env = { GITHUB_SHA: '0123456789abcdef', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/tm', GITHUB_RUN_ID: '42', GITHUB_OUTPUT: output };
    const { markdown } = run(['--github-context', '--github-output', `dev=${path.join(OWN_PLANS, 'aws-drift.json')}`, `prod=${path.join(OWN_PLANS, 'aws-no-changes.json')}`], env);
    expect(markdown).toContain('<sub>Commit `0123456` · [workflow run](https://github.com/acme/tm/actions/runs/42)</sub>');
    expect(markdown).toContain('| `dev` | 🟡 changes |');
    expect(fs.readFileSync(output, 'utf8')).toBe('has_changes=true\nfailed=false\n');
  });

  it('exits 1 on an unreadable plan, and still renders the comment that says so', () => {
    fs.writeFileSync(path.join(tmp, 'garbage.json'), 'not json at all');
    const result = run([`dev=${path.join(tmp, 'garbage.json')}`, `prod=${path.join(OWN_PLANS, 'aws-no-changes.json')}`], {});
    expect(result.exitCode).toBe(1);
    expect(result.problem).toBe('a plan failed or could not be read');
    expect(result.markdown).toContain('| `dev` | ❌ failed |');
    expect(result.markdown).toContain('garbage.json is not a Terraform JSON plan: not JSON');
    expect(run([`prod=${path.join(OWN_PLANS, 'aws-no-changes.json')}`], {}).exitCode).toBe(0);
  });

  it('a fork\'s pull request: not planned, says how a maintainer plans it, and fails with --require-plan', () => {
    const sha = 'c'.repeat(40);
    const result = run(['--require-plan', `dev=fork:42:${sha}`], {});
    expect(result.exitCode).toBe(1);
    expect(result.markdown).toContain('| `dev` | ⏭️ not planned |');
    expect(result.markdown).toContain('This pull request comes from a fork: GitHub gives its workflow runs no OIDC token, so there are no AWS credentials, no plan and no AWS data here');
    expect(result.markdown).toContain(`git push origin ${sha}:refs/heads/fork-pr-42`);
    expect(run([`dev=fork:42:${sha}`], {}).exitCode).toBe(0); // without --require-plan, a skip is no failure
    expect(() => run(['dev=fork:42'], {})).toThrow('fork: expected <pr number>:<40-hex head sha>');
  });

  it('outcome: no changes, changes, drift only, failure', () => {
    const none = planned('a', own('aws-no-changes.json'));
    expect(outcome([none])).toEqual({ hasChanges: false, failed: false });
    expect(outcome([none, planned('b', own('aws-replace-and-destroy.json'))])).toEqual({ hasChanges: true, failed: false });
    const driftOnly: PlanJson = { ...own('aws-drift.json'), resource_changes: [] };
    expect(outcome([planned('c', driftOnly)]).hasChanges).toBe(true);
    expect(outcome([none, { stack: 'd', status: 'failed', error: 'x' }])).toEqual({ hasChanges: false, failed: true });
  });
});
