/**
 * Deny statements every deploy role and every workload boundary of an environment carries. They
 * hold whatever an Allow says, so a broad grant on the environment's own resources (`ec2:*` on
 * what carries its tag) can never reach another environment's, and no role can move a resource
 * from one environment to the other by retagging it.
 */
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../config';
import type { PolicyStatement } from '../lib/iam';

/** The tag that says which environment a resource belongs to (the provider's default_tags set it). */
export const ENVIRONMENT_TAG = 'Environment';

/** Every tagging action of the services our stacks use, by name: which of them may set or remove `Environment` is decided here. */
export const TAG_ACTIONS = [
  'ec2:CreateTags', 'ec2:DeleteTags',
  'autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags',
  'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags',
  'rds:AddTagsToResource', 'rds:RemoveTagsFromResource',
  'lambda:TagResource', 'lambda:UntagResource',
  'sqs:TagQueue', 'sqs:UntagQueue',
  'sns:TagResource', 'sns:UntagResource',
  'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup',
  'cloudwatch:TagResource', 'cloudwatch:UntagResource',
  'kms:TagResource', 'kms:UntagResource',
  'cloudfront:TagResource', 'cloudfront:UntagResource',
  'cognito-idp:TagResource', 'cognito-idp:UntagResource',
  'wafv2:TagResource', 'wafv2:UntagResource',
  'secretsmanager:TagResource', 'secretsmanager:UntagResource',
  'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource',
  'ecr:TagResource', 'ecr:UntagResource', 'ecs:TagResource', 'ecs:UntagResource', 'application-autoscaling:TagResource', 'application-autoscaling:UntagResource',
  'iam:TagRole', 'iam:UntagRole', 'iam:TagInstanceProfile', 'iam:UntagInstanceProfile', 'iam:TagPolicy', 'iam:UntagPolicy',
];

/** The other environments: every known name, not only those synthesized, so a later one is covered from the start. */
export function otherEnvironments(own: EnvironmentName): EnvironmentName[] {
  return ENVIRONMENT_NAMES.filter((name) => name !== own);
}

/**
 * The environment guards:
 * - nothing at all on a resource tagged with another environment (read, change, tag, pass, invoke);
 * - `Environment` is set only to the role's own environment and never removed (an untag request
 *   carries no value for it, which is not the role's own);
 * - an existing EC2 resource gets `Environment` only if it already has the role's own (EC2 tells a
 *   create, `ec2:CreateAction`, from a later CreateTags; elsewhere a resource without the tag is
 *   named or scoped by a condition of its own, see the allows).
 */
export function environmentGuards(own: EnvironmentName): PolicyStatement[] {
  const others = otherEnvironments(own);
  const touchesEnvironmentTag = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [ENVIRONMENT_TAG] } };
  return [
    { Sid: 'NothingOfOtherEnvironments', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: others } } },
    { Sid: 'EnvironmentTagOnlyOwn', Effect: 'Deny', Action: TAG_ACTIONS, Resource: '*', Condition: { ...touchesEnvironmentTag, StringNotEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: own } } },
    {
      Sid: 'NoAdoptingNetworkResources',
      Effect: 'Deny',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { ...touchesEnvironmentTag, Null: { 'ec2:CreateAction': 'true' }, StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: own } },
    },
  ];
}
