/** Encryption at rest, everywhere the service offers it, and rotation of the keys. */
import { blocks, isSet, isTrue, resourceRule, type Rule, show } from '../rule';
import type { Resource } from '../stack';

const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];

function ebsFailure(where: string, ebs: Record<string, unknown>): string | undefined {
  return isTrue(ebs.encrypted) ? undefined : `${where} is not encrypted (encrypted = ${show(ebs.encrypted)})`;
}

export const ENCRYPTION_RULES: readonly Rule[] = [
  resourceRule({
    id: 'CKV_AWS_19',
    severity: 'high',
    title: 'S3 buckets have default server-side encryption',
    fix: 'Add an aws_s3_bucket_server_side_encryption_configuration with AES256 or aws:kms (SecureBucket does)',
    types: ['aws_s3_bucket'],
    check: (bucket, stack) => {
      const configs = stack.pointingAt(bucket, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', ['bucket']);
      const rules = [...configs.flatMap((c) => blocks(c.body.rule)), ...blocks(bucket.body.server_side_encryption_configuration).flatMap((c) => blocks(c.rule))];
      const algorithms = rules.flatMap((r) => blocks(r.apply_server_side_encryption_by_default)).map((d) => d.sse_algorithm);
      if (algorithms.length === 0) return 'no server-side encryption configuration';
      const bad = algorithms.find((a) => !SSE_ALGORITHMS.includes(String(a)));
      return bad === undefined ? undefined : `sse_algorithm ${show(bad)} is not one of ${SSE_ALGORITHMS.join(', ')}`;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_16',
    severity: 'high',
    title: 'RDS storage is encrypted',
    fix: 'Set storage_encrypted = true (a new instance from an encrypted snapshot for an existing one)',
    types: ['aws_db_instance', 'aws_rds_cluster'],
    // A cluster member's storage is the cluster's; a replica inherits its source's encryption.
    appliesTo: (db) => !isSet(db.body.replicate_source_db),
    check: (db) => (isTrue(db.body.storage_encrypted) ? undefined : `storage_encrypted is ${show(db.body.storage_encrypted)}`),
  }),
  resourceRule({
    id: 'CKV_AWS_27',
    severity: 'high',
    title: 'SQS queues are encrypted',
    fix: 'Set sqs_managed_sse_enabled = true, or kms_master_key_id',
    types: ['aws_sqs_queue'],
    check: (queue) => (isTrue(queue.body.sqs_managed_sse_enabled) || isSet(queue.body.kms_master_key_id) ? undefined : 'neither sqs_managed_sse_enabled nor kms_master_key_id is set'),
  }),
  resourceRule({
    id: 'CKV_AWS_26',
    severity: 'high',
    title: 'SNS topics are encrypted',
    fix: 'Set kms_master_key_id (a key of your own if CloudWatch alarms publish to the topic)',
    types: ['aws_sns_topic'],
    check: (topic) => (isSet(topic.body.kms_master_key_id) ? undefined : 'kms_master_key_id is not set'),
  }),
  resourceRule({
    id: 'AVD-AWS-0008',
    severity: 'high',
    title: 'EBS volumes of launch templates and instances are encrypted',
    fix: 'Give every block device mapping ebs.encrypted = true (root volume included)',
    types: ['aws_launch_template', 'aws_instance', 'aws_ebs_volume'],
    check: (r: Resource) => {
      if (r.type === 'aws_ebs_volume') return ebsFailure('the volume', r.body);
      if (r.type === 'aws_instance') {
        const devices = [...blocks(r.body.root_block_device).map((d) => ['root_block_device', d] as const), ...blocks(r.body.ebs_block_device).map((d) => ['ebs_block_device', d] as const)];
        if (devices.length === 0) return 'no root_block_device: the root volume is as unencrypted as the AMI snapshot';
        return devices.map(([where, d]) => ebsFailure(where, d)).find(Boolean);
      }
      const mappings = blocks(r.body.block_device_mappings).filter((m) => blocks(m.ebs).length > 0);
      if (mappings.length === 0) return 'no block device mapping: the root volume is as unencrypted as the AMI snapshot';
      return mappings.map((m) => ebsFailure(`block device ${show(m.device_name)}`, blocks(m.ebs)[0])).find(Boolean);
    },
  }),
  resourceRule({
    id: 'CKV_AWS_7',
    severity: 'high',
    title: 'KMS keys rotate',
    fix: 'Set enable_key_rotation = true',
    types: ['aws_kms_key'],
    // Only symmetric encryption keys can rotate.
    appliesTo: (key) => (key.body.key_usage ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT' && (key.body.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT',
    check: (key) => (isTrue(key.body.enable_key_rotation) ? undefined : `enable_key_rotation is ${show(key.body.enable_key_rotation)}`),
  }),
  resourceRule({
    id: 'CKV_AWS_158',
    severity: 'low',
    title: 'CloudWatch log groups are encrypted with a key of your own',
    fix: 'Set kms_key_id to a customer-managed key whose policy lets logs.<region>.amazonaws.com use it (CloudWatch Logs already encrypts with its own keys)',
    types: ['aws_cloudwatch_log_group'],
    check: (group) => (isSet(group.body.kms_key_id) ? undefined : 'kms_key_id is not set: only CloudWatch Logs\' own keys encrypt it'),
  }),
];
