/**
 * The IAM policy documents of a synthesized stack: identity policies, trust policies, and the
 * resource policies of buckets, queues, topics, keys and the like. A document is JSON text in an
 * attribute, or a reference to an `aws_iam_policy_document` data source, whose statement blocks
 * are read as statements; anything else cannot be checked, and the rules say so.
 */
import { blocks, strings } from './rule';
import type { Json, Resource, StackView } from './stack';

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The attributes that hold policy documents, per resource type. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy', 'inline_policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_sqs_queue: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_kms_key: ['policy'],
  aws_ecr_repository_policy: ['policy'],
  aws_secretsmanager_secret_policy: ['policy'],
  aws_cloudwatch_log_resource_policy: ['policy_document'],
};

export interface PolicyDocument {
  /** `policy`, or `inline_policy[0].policy` */
  readonly attribute: string;
  readonly statements?: readonly Statement[];
  /** Why the document could not be read (an expression, not JSON). */
  readonly unreadable?: string;
}

/**
 * Parses JSON whose strings may hold Terraform interpolations with quotes of their own
 * (`${jsonencode("a")}`): inside `${...}`, quotes are escaped before parsing.
 */
export function parseRendered(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    let out = '';
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      if (text.startsWith('${', i) && text[i - 1] !== '$') {
        depth++;
        out += '${';
        i++;
      } else if (depth > 0 && text[i] === '}') {
        depth--;
        out += '}';
      } else {
        out += depth > 0 && text[i] === '"' ? '\\"' : text[i];
      }
    }
    return JSON.parse(out);
  }
}

/** The statements of an `aws_iam_policy_document` data source, in the JSON policy shape. */
function dataSourceStatements(body: Json): Statement[] {
  return blocks(body.statement).map((s) => {
    const principals = blocks(s.principals);
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const c of blocks(s.condition)) conditions[String(c.test)] = { ...conditions[String(c.test)], [String(c.variable)]: c.values };
    return {
      Sid: typeof s.sid === 'string' ? s.sid : undefined,
      Effect: typeof s.effect === 'string' ? s.effect : 'Allow',
      Action: strings(s.actions),
      NotAction: s.not_actions === undefined ? undefined : strings(s.not_actions),
      Resource: strings(s.resources),
      Principal: principals.length ? Object.fromEntries(principals.map((p) => [String(p.type), p.identifiers])) : undefined,
      Condition: Object.keys(conditions).length ? conditions : undefined,
    };
  });
}

function readDocument(value: unknown, attribute: string, stack: StackView): PolicyDocument {
  if (typeof value !== 'string') return { attribute, unreadable: `${attribute} is not a policy document` };
  const reference = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.json\}$/.exec(value);
  if (reference) {
    const source = stack.resource(reference[1]);
    return source ? { attribute, statements: dataSourceStatements(source.body) } : { attribute, unreadable: `${attribute} refers to ${reference[1]}, which is not in the stack` };
  }
  try {
    const document = parseRendered(value) as { Statement?: unknown };
    const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : undefined;
    if (!statements) return { attribute, unreadable: `${attribute} has no Statement` };
    return { attribute, statements: statements as Statement[] };
  } catch {
    return { attribute, unreadable: `${attribute} is an expression, not a JSON policy document, so it cannot be checked` };
  }
}

/** Every policy document a resource holds. */
export function documentsOf(resource: Resource, stack: StackView): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  for (const attribute of POLICY_ATTRIBUTES[resource.type] ?? []) {
    const value = resource.body[attribute];
    if (value === undefined) continue;
    if (attribute === 'inline_policy') {
      blocks(value).forEach((block, i) => documents.push(readDocument(block.policy, `inline_policy[${i}].policy`, stack)));
    } else {
      documents.push(readDocument(value, attribute, stack));
    }
  }
  return documents;
}

/** A statement's actions (or its NotAction, which allows everything but those). */
export function actionsOf(statement: Statement): string[] {
  return strings(statement.Action);
}

/** Whether an action pattern (`iam:*`, `iam:Put*`, `*`) covers `action`; IAM compares actions case-insensitively. */
export function covers(pattern: string, action: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  const regex = new RegExp(`^${source}$`, 'i');
  return regex.test(action);
}

/** The actions of `catalog` a statement names, directly or through a wildcard (NotAction: every one it does not name). */
export function coveredActions(statement: Statement, catalog: readonly string[]): string[] {
  if (statement.NotAction !== undefined) {
    const excluded = strings(statement.NotAction);
    return catalog.filter((action) => !excluded.some((pattern) => covers(pattern, action)));
  }
  const patterns = actionsOf(statement);
  return catalog.filter((action) => patterns.some((pattern) => covers(pattern, action)));
}

/** The resource types whose documents say what a principal may do (not trust or resource policies). */
export const IDENTITY_POLICY_TYPES: readonly string[] = ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role'];

/** The identity policy documents of a resource: for a role, its inline policies, never its trust policy. */
export function identityDocuments(resource: Resource, stack: StackView): PolicyDocument[] {
  return documentsOf(resource, stack).filter((d) => d.attribute !== 'assume_role_policy');
}

/** Whether a statement's condition tests any of these keys (`iam:PassedToService`), in any operator. */
export function conditionTests(statement: Statement, keys: readonly string[]): boolean {
  const wanted = keys.map((k) => k.toLowerCase());
  return Object.values(statement.Condition ?? {}).some((tests) => Object.keys(tests ?? {}).some((key) => wanted.some((w) => key.toLowerCase() === w || key.toLowerCase().startsWith(`${w}/`))));
}

/** A principal of `*` or `{ AWS: "*" }`: anyone. */
export function isAnyone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') return strings((principal as Json).AWS).includes('*');
  return false;
}
