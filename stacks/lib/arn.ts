import { Fn } from 'cdktf';

/**
 * The account id inside an ARN that a resource of the stack exposes. This keeps the stacks free
 * of `aws_caller_identity`, a data source that would need AWS credentials at plan time.
 */
export function accountIdOf(arn: string): string {
  return Fn.element(Fn.split(':', arn), 4);
}

/** The partition (`aws`, `aws-cn`, `aws-us-gov`) inside an ARN. */
export function partitionOf(arn: string): string {
  return Fn.element(Fn.split(':', arn), 1);
}

/** The region inside an ARN. */
export function regionOf(arn: string): string {
  return Fn.element(Fn.split(':', arn), 3);
}
