/**
 * Values known only after apply, in the plan comment: the configured ones stay visible with what
 * they wait on; the ones the provider computes (id, arn, …) fold into the block's `resource` line.
 */
import { followerLine, resourceBlock } from '../../delivery/plan/detail';
import { renderComment } from '../../delivery/plan/render';
import { classify, type ResourceChange } from '../../delivery/plan/model';
import type { SynthesizedStack } from '../../delivery/plan/synthesized';
import { configuredValue } from '../../delivery/plan/unknown';

const DB = 'aws_db_instance.db';

function change(type: string, name: string, actions: string[], before: object | null, after: object, afterUnknown: object): ResourceChange {
  return { address: `${type}.${name}`, type, name, mode: 'managed', change: { actions, before, after, after_unknown: afterUnknown } };
}

const synthesized: SynthesizedStack = {
  resource: {
    aws_db_instance: { db: { identifier: 'app', username: 'dbadmin' } },
    aws_iam_role_policy: { api: { policy: '{"Statement":[{"Resource":"arn:aws:rds-db:*:*:dbuser:${aws_db_instance.db.resource_id}/api"},{"Resource":"${aws_sqs_queue.jobs.arn}"}]}' } },
    aws_launch_template: { api: { user_data: '${base64encode("DB_HOST=${aws_db_instance.db.address}")}', network_interfaces: { security_groups: ['sg-1'] } } },
  },
};

const policyWaitingOnDb = change('aws_iam_role_policy', 'api', ['update'], { id: 'api:p', policy: '{}' }, { id: 'api:p', policy: null }, { policy: true });
const replacedDb = change('aws_db_instance', 'db', ['delete', 'create'], { identifier: 'app', username: 'admin', arn: 'arn:1', address: 'a', endpoint: 'e', id: 'db-1' }, { identifier: 'app', username: 'dbadmin' }, { arn: true, address: true, endpoint: true, id: true });

const unknownLines = (block: string) => block.split('\n').filter((l) => l.includes('known after apply'));

describe('values known only after apply', () => {
  it('a configured value stays on a known-after-apply line that names the changed resource it waits on', () => {
    const block = resourceBlock(classify(policyWaitingOnDb), { maxAttributes: 40, synthesized, changing: new Set([DB, policyWaitingOnDb.address]) });
    expect(unknownLines(block)).toEqual([`~     (known after apply: policy (changes); from ${DB} (resource_id))`]);
  });

  it('a reference to a resource the plan does not change is not named: its value is known', () => {
    const block = resourceBlock(classify(policyWaitingOnDb), { maxAttributes: 40, synthesized, changing: new Set([DB]) });
    expect(block).not.toContain('aws_sqs_queue.jobs');
  });

  it('values the provider computes fold into the resource line of a replacement, by name, with no line of their own', () => {
    const block = resourceBlock(classify(replacedDb), { maxAttributes: 40, synthesized, changing: new Set([DB]) });
    expect(unknownLines(block)).toEqual([]);
    expect(block.split('\n')[1]).toBe('-/+ resource "aws_db_instance" · computed on apply: address, arn, endpoint and 1 more');
    expect(block).toContain('!     username: "admin" -> "dbadmin"');
  });

  it('a create counts its computed values and lists its configured unknown ones without their causes', () => {
    const created = change('aws_iam_role_policy', 'api', ['create'], null, { policy: null }, { id: true, name_prefix: true, policy: true });
    const block = resourceBlock(classify(created), { maxAttributes: 40, synthesized, changing: new Set([DB, created.address]) });
    expect(block.split('\n')[1]).toBe('+ resource "aws_iam_role_policy" · 2 values computed on apply');
    expect(unknownLines(block)).toEqual(['~     (known after apply: policy)']);
  });

  it('without the configuration every unknown value stays on the known-after-apply line', () => {
    const block = resourceBlock(classify(replacedDb), { maxAttributes: 40, changing: new Set([DB]) });
    expect(unknownLines(block)).toEqual(['~     (known after apply: address (changes), arn (changes), endpoint (changes), id (changes))']);
    expect(block).not.toContain('computed on apply');
  });
});

describe('updates that only follow another change', () => {
  const changing = new Set([DB, policyWaitingOnDb.address]);

  it('an update whose every change waits on another change of the plan is one line: address, attributes and what they read', () => {
    expect(followerLine(classify(policyWaitingOnDb), { maxAttributes: 40, synthesized, changing, construct: 'dev/api/policy' })).toBe(`! aws_iam_role_policy.api (dev/api/policy): policy <- ${DB} (resource_id)`);
  });

  it('an update with a change of its own is a block, not a follower', () => {
    const own = change('aws_iam_role_policy', 'api', ['update'], { name: 'a', policy: '{}' }, { name: 'b', policy: null }, { policy: true });
    expect(followerLine(classify(own), { maxAttributes: 40, synthesized, changing })).toBeUndefined();
  });

  it('without the configuration no update counts as a follower', () => {
    expect(followerLine(classify(policyWaitingOnDb), { maxAttributes: 40, changing })).toBeUndefined();
  });

  it('the comment lists the followers after the changes they follow, under one known-after-apply header', () => {
    const md = renderComment([{ stack: 'dev', status: 'planned', plan: { resource_changes: [policyWaitingOnDb, replacedDb] } }], { synthesized: () => synthesized });
    const diff = md.slice(md.indexOf('**Changed, riskiest first:**'));
    expect(diff.indexOf(`# ${DB} must be replaced`)).toBeLessThan(diff.indexOf('# 1 resource updated in place only to take new values of other changes in this plan (known after apply):\n! aws_iam_role_policy.api'));
    expect(unknownLines(md)).toHaveLength(1);
  });
});

describe('the configured value at an attribute path', () => {
  const config = { user_data: '${aws_db_instance.db.address}', network_interfaces: { security_groups: ['sg-1'] }, launch_template: [{ version: '$Latest' }] };

  it('reads a nested block that cdktf wrote as an object as its element 0', () => {
    expect(configuredValue(config, ['network_interfaces', 0, 'security_groups', 0])).toBe('sg-1');
  });

  it('reads a nested block that cdktf wrote as a list by its index', () => {
    expect(configuredValue(config, ['launch_template', 0, 'version'])).toBe('$Latest');
  });

  it('is the expression for any path beneath an attribute set by an expression', () => {
    expect(configuredValue(config, ['user_data', 'anything', 0])).toBe('${aws_db_instance.db.address}');
  });

  it('is undefined for an attribute or nested attribute the configuration does not set', () => {
    expect(configuredValue(config, ['arn'])).toBeUndefined();
    expect(configuredValue(config, ['network_interfaces', 0, 'network_interface_id'])).toBeUndefined();
    expect(configuredValue(config, ['network_interfaces', 1])).toBeUndefined();
  });
});
