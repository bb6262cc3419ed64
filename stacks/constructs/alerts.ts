import { Construct } from 'constructs';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { policyDocument } from '../lib/iam';
import { Naming } from '../lib/naming';

export interface AlertsProps {
  /** Topic, key and alarm names. */
  readonly naming: Naming;
  /** Who gets the alarm e-mails (the subscription must be confirmed from the inbox once). */
  readonly email: string;
  /** The account that may publish to the topic (CloudWatch alarms of this account). */
  readonly accountId: string;
  /** The AWS partition (`aws`, `aws-cn`, ...) for ARNs. */
  readonly partition: string;
}

/** What an alarm says; the topic wiring is added by `Alerts.addAlarm`. */
export type AlarmSpec = Omit<CloudwatchMetricAlarmConfig, 'alarmActions' | 'okActions' | 'alarmName'> & { readonly name: string };

/**
 * The SNS topic every alarm notifies, encrypted with a key of our own: CloudWatch cannot publish
 * to a topic under the AWS-managed SNS key, so the key policy lets CloudWatch use this one.
 */
export class Alerts extends Construct {
  readonly topicArn: string;
  private readonly naming: Naming;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.naming = props.naming;
    const key = new KmsKey(this, 'key', {
      description: `${props.naming.name('alerts')} SNS topic encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: 14,
      policy: policyDocument(
        {
          Sid: 'AccountAdministersKey',
          Effect: 'Allow',
          Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ),
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${props.naming.name('alerts')}`, targetKeyId: key.keyId });
    const topic = new SnsTopic(this, 'topic', { name: props.naming.name('alerts'), kmsMasterKeyId: key.arn });
    this.topicArn = topic.arn;
    new SnsTopicSubscription(this, 'email', { topicArn: topic.arn, protocol: 'email', endpoint: props.email });
  }

  /** An alarm that notifies the topic when it fires and when it recovers. */
  addAlarm(id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    const { name, ...alarm } = spec;
    return new CloudwatchMetricAlarm(this, id, {
      treatMissingData: 'notBreaching',
      ...alarm,
      alarmName: this.naming.name(name),
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
  }
}
