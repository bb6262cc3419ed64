/** Least privilege in every policy document: identity, trust and resource policies alike. */
import { actionsOf, documentsOf, POLICY_ATTRIBUTES, type Statement } from '../documents';
import { resourceRule, type Rule, strings } from '../rule';

/** Every action of a service (`s3:*`); `s3:Get*` names a family and is not one. */
function isServiceWildcard(action: string): boolean {
  return /^[a-z0-9-]+:\*$/i.test(action);
}

/** A statement that names no resource and has no condition: it applies to everything of the kind. */
function unconstrained(statement: Statement): boolean {
  const resources = strings(statement.Resource);
  return (resources.length === 0 || resources.includes('*')) && statement.NotResource === undefined && !statement.Condition;
}

export const IAM_RULES: readonly Rule[] = [
  resourceRule({
    id: 'AVD-AWS-0057',
    severity: 'high',
    title: 'No Allow statement grants `*` or everything but some actions (NotAction); a whole service (`s3:*`) only on named resources or under a condition',
    fix: 'List the actions the principal needs (a family like s3:Get* at most), on the resources it needs, or add a condition (a tag, a principal type)',
    types: Object.keys(POLICY_ATTRIBUTES),
    check: (r, stack) => {
      for (const document of documentsOf(r, stack)) {
        if (document.unreadable) return document.unreadable;
        for (const [i, statement] of (document.statements ?? []).entries()) {
          if (statement.Effect !== 'Allow') continue;
          const where = `${document.attribute} statement ${statement.Sid ? JSON.stringify(statement.Sid) : i}`;
          if (statement.NotAction !== undefined) return `${where} allows everything but its NotAction`;
          const actions = actionsOf(statement);
          if (actions.includes('*')) return `${where} allows every action (*)`;
          const wild = actions.filter(isServiceWildcard);
          if (wild.length && unconstrained(statement)) return `${where} allows ${wild.join(', ')} on every resource, with no condition`;
        }
      }
      return undefined;
    },
  }),
];
