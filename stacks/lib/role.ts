import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument, PolicyStatement, serviceTrustPolicy } from './iam';

export interface GrantableRoleProps {
  /** The role's name. */
  readonly name: string;
  readonly description: string;
  /** The service that assumes it, e.g. `ec2.amazonaws.com`. */
  readonly assumedBy: string;
  /** Name of its one inline policy. */
  readonly policyName: string;
  /** Construct ids of the role and its policy, which decide their Terraform addresses. */
  readonly ids: { readonly role: string; readonly policy: string };
}

/**
 * A service role with one inline policy that constructs add to, like AWS CDK's `grant*(role)`:
 * a construct that owns a resource grants access to it (`queue.grantSendMessages(role)`), so no
 * statement is handed around. The policy is rendered at synth time from every statement added.
 * The role and the policy are created directly in `scope` with the given ids, so that wrapping an
 * existing role in this class never changes its address.
 */
export class GrantableRole {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, props: GrantableRoleProps) {
    this.role = new IamRole(scope, props.ids.role, {
      name: props.name,
      description: props.description,
      assumeRolePolicy: serviceTrustPolicy(props.assumedBy),
    });
    this.policy = new IamRolePolicy(scope, props.ids.policy, {
      role: this.role.id,
      name: props.policyName,
      policy: Lazy.stringValue({ produce: () => policyDocument(...this.statements) }),
    });
  }

  /** Adds statements to the role's policy; every statement needs a unique Sid. */
  addToPolicy(...statements: PolicyStatement[]): void {
    for (const statement of statements) {
      if (statement.Sid && this.statements.some((s) => s.Sid === statement.Sid)) throw new Error(`duplicate policy statement ${statement.Sid}`);
      this.statements.push(statement);
    }
  }
}
