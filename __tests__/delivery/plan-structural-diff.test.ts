/**
 * The pieces that make the plan comment readable where Terraform's text is not: JSON compared by
 * statement or path, `user_data` decoded into a line diff, what only apply knows folded, changes
 * ordered by risk, creates counted per construct, and the risky facts of what is created.
 */
import { gzipSync } from 'zlib';
import { attributeDiff } from '../../delivery/plan/attributes';
import { resourceBlock } from '../../delivery/plan/detail';
import { jsonPathDiff, type JsonObject, policyDiff, policySummary } from '../../delivery/plan/json-diff';
import { classify, type ResourceChange } from '../../delivery/plan/model';
import { compareByRisk, riskOf, riskyFacts } from '../../delivery/plan/risk';
import { constructPath, templateValue, withShortExpressions } from '../../delivery/plan/synthesized';
import { decodeUserData, lineDiff } from '../../delivery/plan/text-diff';
import { costMarkdown } from '../../delivery/cost/report';
import { renderComment } from '../../delivery/plan/render';
import type { StackCost } from '../../delivery/cost/estimate';

const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement }) as unknown as JsonObject;

function update(type: string, before: object, after: object, extra: Partial<ResourceChange['change']> = {}): ResourceChange {
  return { address: `${type}.x`, type, name: 'x', mode: 'managed', change: { actions: ['update'], before, after, ...extra } };
}

function create(type: string, after: object, extra: Partial<ResourceChange['change']> = {}, name = 'x'): ResourceChange {
  return { address: `${type}.${name}`, type, name, mode: 'managed', change: { actions: ['create'], before: null, after, ...extra } };
}

describe('policies, statement by statement', () => {
  const send = { Sid: 'SendImageJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:1:q' };

  it('an action added to a statement is one + line under that statement', () => {
    const lines = policyDiff(policy(send), policy({ ...send, Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'] }));
    expect(lines).toEqual([
      { op: ' ', text: 'statement "SendImageJobs" (Allow):' },
      { op: '+', text: '    action     sqs:GetQueueAttributes' },
    ]);
  });

  it('a removed statement lists what it allowed or denied, to whom and when', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const lines = policyDiff(policy(deny, send), policy(send));
    expect(lines).toEqual([
      { op: '-', text: 'statement (Deny on arn:aws:s3:::b, arn:aws:s3:::b/*) removed' },
      { op: '-', text: '    action     s3:*' },
      { op: '-', text: '    resource   arn:aws:s3:::b' },
      { op: '-', text: '    resource   arn:aws:s3:::b/*' },
      { op: '-', text: '    principal  *' },
      { op: '-', text: '    condition  Bool aws:SecureTransport = "false"' },
    ]);
  });

  it('a trust policy shows the subject it starts to trust', () => {
    const trust = (subs: string[]) => policy({
      Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com' },
      Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': subs } },
    });
    const lines = policyDiff(trust(['repo:o/r:ref:refs/heads/main']), trust(['repo:o/r:ref:refs/heads/main', 'repo:o/r:pull_request']));
    expect(lines.filter((l) => l.op !== ' ')).toEqual([{ op: '+', text: '    condition  StringLike token.actions.githubusercontent.com:sub = "repo:o/r:pull_request"' }]);
  });

  it('summarizes each statement in one line', () => {
    expect(policySummary(policy(send, { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }))).toEqual([
      'Allow sqs:SendMessage on arn:aws:sqs:us-east-1:1:q',
      'Allow sts:AssumeRole to Service ec2.amazonaws.com',
    ]);
  });
});

describe('other JSON, by path', () => {
  it('a widget inserted into a dashboard is one + line, not a shifted tail', () => {
    const widget = (n: number) => ({ type: 'metric', properties: { title: `w${n}` } });
    const lines = jsonPathDiff({ widgets: [widget(1), widget(2), widget(3)] }, { widgets: [widget(1), widget(9), widget(2), widget(3)] });
    expect(lines).toEqual([{ op: '+', text: 'widgets[1] = {"type":"metric","properties":{"title":"w9"}}' }]);
  });

  it('a changed leaf is one ~ line with its path', () => {
    expect(jsonPathDiff({ rules: [{ priority: 1, action: { block: {} } }] }, { rules: [{ priority: 1, action: { count: {} } }] })).toEqual([
      { op: '+', text: 'rules[0].action.count = {}' },
      { op: '-', text: 'rules[0].action.block = {}' },
    ].sort((a, b) => (a.text < b.text ? -1 : 1)));
  });
});

describe('user_data', () => {
  const script = (extra: string) => `#!/bin/bash\nset -eu\ndnf install -y nodejs22${extra}\nsystemctl start api\n`;

  it('decodes base64, and base64 of gzip, and leaves other text alone', () => {
    expect(decodeUserData(Buffer.from(script('')).toString('base64'))).toBe(script(''));
    expect(decodeUserData(gzipSync(Buffer.from(script(''))).toString('base64'))).toBe(script(''));
    expect(decodeUserData('#!/bin/bash\necho hi')).toBe('#!/bin/bash\necho hi');
  });

  it('a changed line of the script is a - and a + line with its neighbours as context', () => {
    expect(lineDiff(script(''), script(' jq'))).toEqual([
      { op: ' ', line: 1, text: '…' },
      { op: ' ', line: 2, text: 'set -eu' },
      { op: '-', line: 3, text: 'dnf install -y nodejs22' },
      { op: '+', line: 3, text: 'dnf install -y nodejs22 jq' },
      { op: ' ', line: 4, text: 'systemctl start api' },
      { op: ' ', line: 5, text: '…' },
    ]);
  });

  it('an attribute diff of user_data carries the decoded line diff', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const [diff] = attributeDiff(update('aws_launch_template', { user_data: b64(script('')) }, { user_data: b64(script(' jq')) }).change);
    expect(diff.detail?.filter((l) => l.op !== ' ').map((l) => `${l.op}${l.text}`)).toEqual(['-   3  dnf install -y nodejs22', '+   3  dnf install -y nodejs22 jq']);
  });
});

describe('attribute diffs of JSON values', () => {
  it('never parses a sensitive value', () => {
    const diffs = attributeDiff({ actions: ['update'], before: { policy: '{"Statement":[{"Sid":"SECRET-A"}]}' }, after: { policy: '{"Statement":[{"Sid":"SECRET-B"}]}' }, before_sensitive: { policy: true }, after_sensitive: { policy: true } });
    expect(diffs).toHaveLength(1);
    expect(diffs[0].detail).toBeUndefined();
    expect(JSON.stringify(diffs)).not.toContain('SECRET');
  });

  it('JSON that only changes formatting says so', () => {
    const block = resourceBlock(classify(update('aws_cloudwatch_dashboard', { dashboard_body: '{"a":1,"b":2}' }, { dashboard_body: '{ "b": 2, "a": 1 }' })), { maxAttributes: 40 });
    expect(block).toContain('!     dashboard_body: (the same JSON, formatted differently)');
  });

  it('a map that becomes unknown as a whole is one change, not a removal of each old entry', () => {
    const diffs = attributeDiff({ actions: ['update'], before: { env: { A: '1', B: '2' } }, after: { env: null }, after_unknown: { env: true } });
    expect(diffs.map((d) => [d.path, d.op, d.unknown])).toEqual([['env', 'change', true]]);
  });

  it('folds everything known only after apply into one line per resource, changed values first', () => {
    const rc: ResourceChange = {
      address: 'aws_db_instance.main', type: 'aws_db_instance', name: 'main', mode: 'managed',
      change: { actions: ['delete', 'create'], before: { identifier: 'a', arn: 'arn:1' }, after: { identifier: 'b' }, after_unknown: { arn: true, id: true, endpoint: true }, replace_paths: [['identifier']] },
    };
    const block = resourceBlock(classify(rc), { maxAttributes: 40 });
    expect(block.split('\n').filter((l) => l.includes('known after apply'))).toEqual(['~     (known after apply: arn (changes), endpoint, id)']);
    expect(block).toContain('!     identifier: "a" -> "b"   # forces replacement');
  });
});

describe('risk', () => {
  it('orders destroys, then IAM and resource policies, then network exposure, then stateful resources, then the rest', () => {
    const changes = [
      create('aws_cloudwatch_metric_alarm', {}),
      create('aws_s3_bucket', {}),
      create('aws_vpc_security_group_ingress_rule', {}),
      create('aws_sqs_queue_policy', {}),
      create('aws_iam_role', {}),
      { ...create('aws_instance', {}), change: { actions: ['delete'], before: {}, after: null } },
    ].map(classify);
    expect([...changes].sort(compareByRisk).map((c) => [c.resource.type, riskOf(c)])).toEqual([
      ['aws_instance', 'destroy'],
      ['aws_iam_role', 'iam'],
      ['aws_sqs_queue_policy', 'iam'],
      ['aws_vpc_security_group_ingress_rule', 'network'],
      ['aws_s3_bucket', 'stateful'],
      ['aws_cloudwatch_metric_alarm', 'other'],
    ]);
  });

  it('a policy attribute changing on any type is an IAM change', () => {
    expect(riskOf(classify(update('aws_kms_key', { policy: JSON.stringify(policy()) }, { policy: JSON.stringify(policy({ Effect: 'Allow', Action: 'kms:*' })) })))).toBe('iam');
  });

  it('says who is trusted, what is open to where, and what is not encrypted', () => {
    const facts = (rc: ResourceChange) => riskyFacts(classify(rc));
    expect(facts(create('aws_iam_role', { assume_role_policy: JSON.stringify(policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::999:root' } })) }))).toEqual(['trust: Allow sts:AssumeRole to AWS arn:aws:iam::999:root']);
    expect(facts(create('aws_vpc_security_group_ingress_rule', { ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr_ipv4: '0.0.0.0/0', security_group_id: 'sg-1' }))).toEqual(['ingress tcp 22 from 0.0.0.0/0 into sg-1']);
    expect(facts(create('aws_security_group', { name: 'web', ingress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }], egress: [] }))).toEqual(['security group web', 'ingress all traffic from 0.0.0.0/0']);
    expect(facts(create('aws_db_instance', { publicly_accessible: true, storage_encrypted: false }))).toEqual(['publicly accessible', 'storage NOT encrypted']);
    expect(facts(create('aws_s3_bucket_public_access_block', { block_public_acls: true, block_public_policy: false, ignore_public_acls: true, restrict_public_buckets: true }))).toEqual(['public access NOT blocked: block_public_policy = false']);
  });

  it('never reads a value marked sensitive into a fact', () => {
    const rc = create('aws_iam_role_policy', { policy: JSON.stringify(policy({ Sid: 'SECRET', Effect: 'Allow', Action: 's3:*' })) }, { after_sensitive: { policy: true } });
    expect(riskyFacts(classify(rc))).toEqual([]);
  });

  it('a database created private is stateful, one made public is network exposure', () => {
    expect(riskOf(classify(create('aws_db_instance', { publicly_accessible: false })))).toBe('stateful');
    expect(riskOf(classify(create('aws_db_instance', { publicly_accessible: true })))).toBe('network');
  });

  it('reads a policy the plan knows only after apply from the synthesized configuration', () => {
    const synthesized = { resource: { aws_iam_role_policy: { x: { policy: '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${aws_s3_bucket.b_1234ABCD.arn}/api/*"},{"Effect":"Allow","Action":"rds-db:connect","Resource":"arn:${element(split(":", aws_db_instance.d.arn), 1)}:x"}]}' } } } };
    const rc = create('aws_iam_role_policy', { role: 'r' }, { after_unknown: { policy: true } });
    expect(riskyFacts(classify(rc), synthesized)).toEqual([
      'Allow s3:GetObject on ${aws_s3_bucket.b_1234ABCD.arn}/api/*',
      'Allow rds-db:connect on arn:${…aws_db_instance.d.arn…}:x',
    ]);
    expect(riskyFacts(classify(rc))).toEqual(['policy (known only after apply)']);
    expect(withShortExpressions('a ${x.y.z} b')).toBe('a ${x.y.z} b');
    expect(templateValue(undefined, rc, 'policy')).toBeUndefined();
  });
});

describe('construct paths', () => {
  const rc = create('aws_iam_role', {}, {}, 'api_instance-role_CBCB4787');

  it('come from the synthesized metadata', () => {
    const synthesized = { resource: { aws_iam_role: { 'api_instance-role_CBCB4787': { '//': { metadata: { path: 'dev/api/instance-role' } } } } } };
    expect(constructPath('dev', rc, synthesized)).toBe('dev/api/instance-role');
  });

  it('fall back to the first part of the cdktf name, then to the stack', () => {
    expect(constructPath('dev', rc)).toBe('dev/api');
    expect(constructPath('dev', create('aws_vpc', {}, {}, 'main'))).toBe('dev');
  });
});

describe('cost section', () => {
  it('folds the usage-priced parts under the totals', () => {
    const side = { monthly: 10, notPriced: 0, resources: [{ address: 'aws_sqs_queue.q', lines: [], usage: ['SQS requests', 'S3 requests'] }] };
    const md = costMarkdown([{ stack: 'dev', region: 'us-east-1', before: side, after: side, delta: 0, changes: [] } as unknown as StackCost]);
    expect(md).toContain('| Stack | Region | Monthly after this plan | Change | Not priced |\n');
    expect(md).toContain('<details><summary>Plus usage-priced parts (2), not estimated</summary>\n\n- S3 requests\n- SQS requests\n\n</details>');
  });
});

describe('layout', () => {
  it('puts the sections before the stacks, and the ones after the stacks (cost) below them', () => {
    const plan = { format_version: '1.2', resource_changes: [update('aws_iam_role', { name: 'a' }, { name: 'b' })] };
    const md = renderComment([{ stack: 'dev', status: 'planned', plan }], { sections: ['#### Policy: passed'], sectionsAfterStacks: ['#### Cost: estimated monthly list price'] });
    const at = (text: string) => md.indexOf(text);
    expect(at('#### Policy')).toBeLessThan(at('#### `dev`'));
    expect(at('**Changed, riskiest first:**')).toBeLessThan(at('#### Cost'));
    expect(at('#### Cost')).toBeGreaterThan(0);
  });
});
