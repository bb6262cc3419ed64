/**
 * The intent fingerprint on real plans the local terraform makes with the AWS provider against a
 * state built here: attributes that AWS moves on its own between two plans (RDS
 * `latest_restorable_time`, Cognito `estimated_number_of_users`, CloudFront `status`, a scaled
 * group's `desired_capacity`) leave the intent as it was; a resource more, another planned value
 * or another action change it; a plan that is what is left of the reviewed one after an earlier
 * run applied part of it is recognised as such.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PlanJson } from '../../delivery/plan/model';
import { compareFingerprints } from '../../delivery/review/compare';
import { stackFingerprint } from '../../delivery/review/fingerprint';
import { OfflineAwsWorkspace, type Resources, settled, stateFromCreatePlan, withAttributes } from './support/aws-state';
import { describeWithTerraform, tempDir } from './support/terraform';
import { TIME_LIMITS } from '../support/time-limits';

/** A database, a user pool, a distribution and an Auto Scaling group, each tagged `Team = team`, named `<name>__<scenario>`. */
function stack(scenario: string, team: string, extra: { storageEncrypted?: boolean; queue?: boolean } = {}): Resources {
  const named = <T>(body: T) => ({ [`main__${scenario}`]: body });
  return {
    aws_db_instance: named({ identifier: `tm-db-${scenario}`, engine: 'mysql', engine_version: '8.4', instance_class: 'db.t4g.micro', allocated_storage: 20, username: 'admin', password: 'not-a-real-password-1', skip_final_snapshot: true, storage_encrypted: extra.storageEncrypted ?? true, tags: { Team: team } }),
    aws_cognito_user_pool: named({ name: 'tm-pool', tags: { Team: team } }),
    aws_cloudfront_distribution: named({
      enabled: true,
      origin: [{ domain_name: 'tm.s3.amazonaws.com', origin_id: 'site' }],
      default_cache_behavior: [{ allowed_methods: ['GET', 'HEAD'], cached_methods: ['GET', 'HEAD'], target_origin_id: 'site', viewer_protocol_policy: 'redirect-to-https', cache_policy_id: '658327ea-f89d-4fab-a63d-7e88639e58f6' }],
      restrictions: [{ geo_restriction: [{ restriction_type: 'none' }] }],
      viewer_certificate: [{ cloudfront_default_certificate: true }],
      tags: { Team: team },
    }),
    // Target tracking owns the capacity after the first apply.
    aws_autoscaling_group: named({ name: 'tm-asg', min_size: 1, max_size: 3, desired_capacity: 1, availability_zones: ['us-east-1a'], launch_template: [{ id: 'lt-0123456789abcdef0', version: '$Latest' }], tag: [{ key: 'Team', value: team, propagate_at_launch: true }], lifecycle: { ignore_changes: ['desired_capacity'] } }),
    ...(extra.queue ? { aws_sqs_queue: named({ name: 'tm-jobs', sqs_managed_sse_enabled: true }) } : {}),
  };
}

/** Several configurations side by side in one Terraform configuration (one plan instead of one each: the provider takes seconds to start). */
function together(...stacks: Resources[]): Resources {
  const all: Resources = {};
  for (const s of stacks) for (const [type, byName] of Object.entries(s)) all[type] = { ...all[type], ...byName };
  return all;
}

/** One scenario's part of a plan of several, with the addresses it would have on its own (`aws_db_instance.main`). */
function scenario(plan: PlanJson, name: string): PlanJson {
  const suffix = `__${name}`;
  const own = (plan.resource_changes ?? []).filter((rc) => rc.address.endsWith(suffix));
  return { ...plan, resource_changes: own.map((rc) => ({ ...rc, address: rc.address.slice(0, -suffix.length), name: rc.name?.replace(suffix, '') })), output_changes: {} };
}

/** Per scenario, what AWS reports besides the configuration: ids, and the attributes that move on their own. */
const atReview = (name: string) => ({
  [`aws_db_instance.main__${name}`]: { id: `db-${name}`, resource_id: `db-${name}`, latest_restorable_time: '2026-12-01T12:00:00Z', status: 'available' },
  [`aws_cognito_user_pool.main__${name}`]: { id: `us-east-1_${name}`, estimated_number_of_users: 41 },
  [`aws_cloudfront_distribution.main__${name}`]: { id: `E2${name}`, status: 'Deployed', etag: 'E1' },
  [`aws_autoscaling_group.main__${name}`]: { id: 'tm-asg', desired_capacity: 1 },
});
/** Five minutes later: a new restore point, a new user, a distribution mid-deployment, a scaled-out group. */
const movedSince = (name: string) => ({
  [`aws_db_instance.main__${name}`]: { latest_restorable_time: '2026-12-01T12:05:00Z' },
  [`aws_cognito_user_pool.main__${name}`]: { estimated_number_of_users: 42 },
  [`aws_cloudfront_distribution.main__${name}`]: { status: 'InProgress' },
  [`aws_autoscaling_group.main__${name}`]: { desired_capacity: 3 },
});
/** An earlier run tagged the database and the user pool before it stopped. */
const partlyApplied = (name: string) => ({
  [`aws_db_instance.main__${name}`]: { tags: { Team: 'b' }, tags_all: { Team: 'b' } },
  [`aws_cognito_user_pool.main__${name}`]: { tags: { Team: 'b' }, tags_all: { Team: 'b' } },
});

const SCENARIOS = ['reviewed', 'drifted', 'more', 'valued', 'replaced', 'partly'];

describeWithTerraform('the intent fingerprint on real AWS plans against a built state', true, () => {
  const work = tempDir('intent-');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const tf = new OfflineAwsWorkspace(path.join(work, 'stack'));
  /** Each scenario's plan, all made by one terraform plan against one built state. */
  const plans: Record<string, PlanJson> = {};

  beforeAll(async () => {
    const before = together(...SCENARIOS.map((name) => stack(name, 'a')));
    await tf.init(before);
    const created = await tf.plan(before);
    const built = await settled(tf, before, stateFromCreatePlan(created.raw, Object.assign({}, ...SCENARIOS.map(atReview))));
    const state = withAttributes(built, Object.assign({}, ...['drifted', 'more', 'partly'].map(movedSince), partlyApplied('partly')));
    const after = together(
      stack('reviewed', 'b'), stack('drifted', 'b'), stack('more', 'b', { queue: true }), stack('valued', 'c'), stack('replaced', 'b', { storageEncrypted: false }), stack('partly', 'b'),
    );
    const { plan } = await tf.plan(after, state);
    for (const name of SCENARIOS) plans[name] = scenario(plan, name);
  }, TIME_LIMITS.realEngine);

  const fingerprint = (name: string) => stackFingerprint(plans[name]);
  const change = (name: string, address: string) => plans[name].resource_changes!.find((rc) => rc.address === address)!.change;

  it('the reviewed plan updates the four resources in place, and records the tags it changes, not what stays', () => {
    expect(plans.reviewed.resource_changes!.map((rc) => [rc.address, rc.change.actions.join('+')])).toEqual([
      ['aws_autoscaling_group.main', 'update'], ['aws_cloudfront_distribution.main', 'update'], ['aws_cognito_user_pool.main', 'update'], ['aws_db_instance.main', 'update'],
    ]);
    expect(fingerprint('reviewed').paths).toEqual({
      'aws_autoscaling_group.main': ['tag[0].value'],
      'aws_cloudfront_distribution.main': ['tags.Team', 'tags_all.Team'],
      'aws_cognito_user_pool.main': ['tags.Team', 'tags_all.Team'],
      'aws_db_instance.main': ['tags.Team', 'tags_all.Team'],
    });
  });

  it('attributes that moved on their own in state since the review: the same intent, so the plan applies', () => {
    // Terraform's own before values differ (what the whole-change hash of format v1 tripped on) ...
    expect(change('drifted', 'aws_db_instance.main').before).toMatchObject({ latest_restorable_time: '2026-12-01T12:05:00Z' });
    expect(change('reviewed', 'aws_db_instance.main').before).toMatchObject({ latest_restorable_time: '2026-12-01T12:00:00Z' });
    expect(change('drifted', 'aws_cognito_user_pool.main').before).toMatchObject({ estimated_number_of_users: 42 });
    expect(change('drifted', 'aws_cloudfront_distribution.main').after).toMatchObject({ status: 'InProgress' });
    expect(change('drifted', 'aws_autoscaling_group.main').after).toMatchObject({ desired_capacity: 3 });
    // ... the intents do not.
    expect(fingerprint('drifted').digest).toBe(fingerprint('reviewed').digest);
    expect(compareFingerprints(fingerprint('reviewed'), fingerprint('drifted'))).toEqual({ kind: 'same' });
  });

  it('a resource more stops', () => {
    expect(compareFingerprints(fingerprint('reviewed'), fingerprint('more'))).toEqual({ kind: 'differs', lines: ['`aws_sqs_queue.main`: **create** now, not in the reviewed plan'] });
  });

  it('another planned value stops, naming the resources and the attributes', () => {
    const comparison = compareFingerprints(fingerprint('reviewed'), fingerprint('valued'));
    expect(comparison).toEqual({ kind: 'differs', lines: expect.arrayContaining(['`aws_db_instance.main`: **update** as reviewed, the same attributes (`tags.Team`, `tags_all.Team`), but other planned values']) });
    expect(comparison.kind === 'differs' && comparison.lines).toHaveLength(4);
  });

  it('another action stops', () => {
    expect(compareFingerprints(fingerprint('reviewed'), fingerprint('replaced'))).toEqual({ kind: 'differs', lines: ['`aws_db_instance.main`: reviewed **update**, now **replace (destroy first)**'] });
  });

  it('what is left after an earlier run applied part of the reviewed plan is recognised, and says what is gone', () => {
    expect(Object.keys(fingerprint('partly').resources!)).toEqual(['aws_autoscaling_group.main', 'aws_cloudfront_distribution.main']);
    expect(compareFingerprints(fingerprint('reviewed'), fingerprint('partly'))).toEqual({ kind: 'subset', done: ['aws_cognito_user_pool.main', 'aws_db_instance.main'] });
  });
});
