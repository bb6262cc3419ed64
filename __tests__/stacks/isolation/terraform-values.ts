/**
 * Concrete values for the Terraform references in synthesized policies (`${aws_iam_role.x.arn}`,
 * `${element(split(":", aws_iam_openid_connect_provider.github-oidc.arn), 4)}`), as AWS would fill
 * them in after an apply: the rendered policy text is evaluated as synthesized, not re-derived.
 */
import type { Json } from '../synth';

export interface Accounts {
  /** The account of the default provider. */
  readonly main: string;
  /** Accounts of aliased providers (`account-dev`). */
  readonly byAlias?: Readonly<Record<string, string>>;
}

type Attributes = Record<string, string>;

/** Ids AWS makes up that the environment's own config knows (the database's, after the first apply). */
export interface KnownIds {
  readonly databaseResourceId?: string;
}

/** Every resource's attributes that policies refer to, keyed by `type.name`. */
export function resourceAttributes(stack: Json, region: string, accounts: Accounts, known: KnownIds = {}): Map<string, Attributes> {
  const values = new Map<string, Attributes>();
  let serial = 0;
  for (const [type, byName] of Object.entries(stack.resource ?? {}) as [string, Record<string, Json>][]) {
    for (const [name, body] of Object.entries(byName)) {
      const alias = typeof body.provider === 'string' ? body.provider.replace(/^aws\./, '') : undefined;
      const account = (alias && accounts.byAlias?.[alias]) || accounts.main;
      const attrs = attributesOf(type, body, { account, region, serial: ++serial, known });
      if (attrs) values.set(`${type}.${name}`, attrs);
    }
  }
  return values;
}

function attributesOf(type: string, body: Json, at: { account: string; region: string; serial: number; known: KnownIds }): Attributes | undefined {
  const id = String(at.serial).padStart(4, '0');
  switch (type) {
    case 'aws_iam_openid_connect_provider':
      return { arn: `arn:aws:iam::${at.account}:oidc-provider/${String(body.url).replace(/^https:\/\//, '')}` };
    case 'aws_iam_role':
      return { arn: `arn:aws:iam::${at.account}:role/${body.name}`, id: body.name, name: body.name };
    case 'aws_iam_policy':
      return { arn: `arn:aws:iam::${at.account}:policy/${body.name}`, id: body.name, name: body.name };
    case 'aws_kms_key':
      return { arn: `arn:aws:kms:${at.region}:${at.account}:key/0000${id}-0000-4000-8000-000000000000`, key_id: `0000${id}-0000-4000-8000-000000000000` };
    case 'aws_kms_alias':
      return { arn: `arn:aws:kms:${at.region}:${at.account}:${body.name}`, name: body.name };
    case 'aws_vpc':
      return { arn: `arn:aws:ec2:${at.region}:${at.account}:vpc/vpc-${id}` };
    case 'aws_lambda_function':
      return { arn: `arn:aws:lambda:${at.region}:${at.account}:function:${body.function_name}`, function_name: body.function_name };
    case 'aws_db_instance':
      return { arn: `arn:aws:rds:${at.region}:${at.account}:db:${body.identifier}`, resource_id: at.known.databaseResourceId ?? `db-${id}` };
    case 'aws_sqs_queue':
      return { arn: `arn:aws:sqs:${at.region}:${at.account}:${body.name}`, name: body.name };
    case 'aws_ecr_repository':
      return { arn: `arn:aws:ecr:${at.region}:${at.account}:repository/${body.name}`, name: body.name, repository_url: `${at.account}.dkr.ecr.${at.region}.amazonaws.com/${body.name}` };
    case 'aws_cloudwatch_log_group':
      return { arn: `arn:aws:logs:${at.region}:${at.account}:log-group:${body.name}`, name: body.name };
    case 'aws_s3_bucket': {
      const bucket = body.bucket ?? `${body.bucket_prefix}20260101${id}`;
      return { arn: `arn:aws:s3:::${bucket}`, id: bucket, bucket };
    }
    default:
      return undefined;
  }
}

/** One reference's value, or the text as it is when it is no reference or an unknown one. */
export function valueOf(text: string, values: Map<string, Attributes>): string {
  return text.replace(/\$\{([^{}]+)\}/g, (whole, expression: string) => {
    try {
      return evaluate(expression.trim(), values);
    } catch {
      return whole;
    }
  });
}

/** Replaces every `${...}` reference in `text` by its value; an unknown reference is an error naming it. */
export function resolveReferences(text: string, values: Map<string, Attributes>): string {
  return text.replace(/\$\{([^{}]+)\}/g, (_whole, expression: string) => evaluate(expression.trim(), values));
}

function evaluate(expression: string, values: Map<string, Attributes>): string {
  const element = /^element\(split\(":", (.+)\), (\d+)\)$/.exec(expression);
  if (element) return evaluate(element[1], values).split(':')[Number(element[2])];
  const reference = /^([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)$/.exec(expression);
  const value = reference ? values.get(reference[1])?.[reference[2]] : undefined;
  if (value === undefined) throw new Error(`no value for the Terraform expression \${${expression}}`);
  return value;
}

/** A resource body with the references in its string fields filled in: strictly in policies when asked, where known elsewhere. */
export function resolveFields(body: Json, values: Map<string, Attributes>, strictPolicies = false): Json {
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key,
    typeof value !== 'string' ? value : strictPolicies && /policy$/.test(key) ? resolveReferences(value, values) : valueOf(value, values)]));
}
