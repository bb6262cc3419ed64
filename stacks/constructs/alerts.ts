import { Construct } from 'constructs';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KEY_ADMINISTRATION, policyDocument } from '../lib/iam';
import { GLOBAL_REGION } from '../lib/provider';
import { Naming } from '../lib/naming';

export interface AlertsProps {
  /** Topic, key and alarm names. */
  readonly naming: Naming;
  /** Who gets the alarm e-mails (each subscription must be confirmed from the inbox once). */
  readonly email: string;
  /** The account that may publish to the topic (CloudWatch alarms of this account). */
  readonly accountId: string;
  /** The AWS partition (`aws`, `aws-cn`, ...) for ARNs. */
  readonly partition: string;
  /** Region of the stack's own provider. */
  readonly region: string;
  /**
   * The us-east-1 provider, for alarms on CloudFront and WAF metrics (which exist only there, and an
   * alarm notifies topics of its own region only).
   * @default none: `addGlobalAlarm` is unavailable
   */
  readonly globalProvider?: AwsProvider;
}

/** What an alarm says; the topic wiring is added by `Alerts.addAlarm`. */
export type AlarmSpec = Omit<CloudwatchMetricAlarmConfig, 'alarmActions' | 'okActions' | 'alarmName' | 'provider'> & { readonly name: string };

/**
 * The SNS topic every alarm notifies, encrypted with a key of our own: CloudWatch cannot publish
 * to a topic under the AWS-managed SNS key, so the key policy lets CloudWatch use this one. Alarms
 * on us-east-1 metrics get a second such topic there, unless the stack is in us-east-1 already.
 */
export class Alerts extends Construct {
  readonly topicArn: string;
  private globalTopicArn?: string;

  constructor(scope: Construct, id: string, private readonly props: AlertsProps) {
    super(scope, id);
    this.topicArn = this.createTopic('');
  }

  /** An alarm that notifies the topic when it fires and when it recovers. */
  addAlarm(id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    return this.alarm(id, spec, this.topicArn);
  }

  /** An alarm on a metric that lives in us-east-1 (CloudFront, WAF), notifying a topic there. */
  addGlobalAlarm(id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    const provider = this.props.globalProvider;
    if (!provider) throw new Error('Alerts: addGlobalAlarm needs the globalProvider prop');
    if (this.props.region === GLOBAL_REGION) return this.alarm(id, spec, this.topicArn, provider);
    this.globalTopicArn ??= this.createTopic('global-', provider);
    return this.alarm(id, spec, this.globalTopicArn, provider);
  }

  private alarm(id: string, spec: AlarmSpec, topicArn: string, provider?: AwsProvider): CloudwatchMetricAlarm {
    const { name, ...alarm } = spec;
    return new CloudwatchMetricAlarm(this, id, {
      provider,
      treatMissingData: 'notBreaching',
      ...alarm,
      alarmName: this.props.naming.name(name),
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
  }

  /** A topic, its key and the e-mail subscription; `idPrefix` and the name tell the regions apart. */
  private createTopic(idPrefix: string, provider?: AwsProvider): string {
    const { naming, partition, accountId } = this.props;
    const name = naming.name(idPrefix ? `${idPrefix}alerts` : 'alerts');
    const key = new KmsKey(this, `${idPrefix}key`, {
      provider,
      description: `${name} SNS topic encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: 14,
      policy: policyDocument(
        // Administered through IAM, never used by it: only CloudWatch (through SNS) encrypts with it.
        {
          Sid: 'AccountAdministersKey',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: KEY_ADMINISTRATION,
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
    new KmsAlias(this, `${idPrefix}key-alias`, { provider, name: `alias/${name}`, targetKeyId: key.keyId });
    const topic = new SnsTopic(this, `${idPrefix}topic`, { provider, name, kmsMasterKeyId: key.arn });
    new SnsTopicSubscription(this, `${idPrefix}email`, { provider, topicArn: topic.arn, protocol: 'email', endpoint: this.props.email });
    return topic.arn;
  }
}
