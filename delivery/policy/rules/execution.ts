/**
 * Nothing in a stack runs code of its own on the machine that plans or applies it, where the deploy
 * role's credentials are: no provisioners, no `terraform_data`/`null_resource` that exists to run a
 * command, no data source that runs a program or fetches a URL at plan time (a pull request's plan
 * runs it), no provider but the allowed ones (a provider is a binary that runs with the
 * credentials), and no module (its resources are out of this check's sight). A compromised
 * dependency of synth would add exactly these; the plan comment shows them as one line each.
 */
import { blocks, type Outcome, type Rule } from '../rule';
import type { Json, Resource, StackView } from '../stack';

/**
 * Providers a stack may use, by local name, with the registry source each must come from. A new one
 * is a reviewed change of this list (and of the committed lock file, .github/terraform/.terraform.lock.hcl).
 */
export const ALLOWED_PROVIDERS: Readonly<Record<string, string>> = {
  aws: 'registry.terraform.io/hashicorp/aws',
  // Built into Terraform: terraform_data (without commands) and terraform_remote_state.
  terraform: 'terraform.io/builtin/terraform',
};

/** Types that exist to run commands: only a command-running provisioner makes them do anything. */
const COMMAND_TYPES = ['terraform_data', 'null_resource'];
const COMMANDS = ['local-exec', 'remote-exec'];
/** Data sources that run a program or call a URL while Terraform plans. */
const PLAN_TIME_CODE: Readonly<Record<string, string>> = {
  external: 'runs a program while Terraform plans, with the plan role\'s credentials in its environment',
  http: 'fetches a URL while Terraform plans: it can send what it reads to anyone',
};

/** The kinds of provisioner a resource declares (`local-exec`, `remote-exec`, `file`). */
function provisioners(resource: Resource): string[] {
  return blocks(resource.body.provisioner).flatMap((p) => Object.keys(p));
}

function managed(stack: StackView): Resource[] {
  return stack.resources.filter((r) => !r.address.startsWith('data.'));
}

/** One failure per subject that fails, or one pass for the whole stack when none does. */
function wholeStack(stack: StackView, failures: Outcome[]): Outcome[] {
  return failures.length ? failures : [{ address: '(whole stack)', path: stack.name }];
}

/** `aws` -> registry.terraform.io/hashicorp/aws; `hashicorp/aws` likewise; a full address stays. */
function fullSource(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  return parts.length === 2 ? `registry.terraform.io/${source.toLowerCase()}` : source.toLowerCase();
}

/** Every provider the stack uses, by local name: declared, configured, or implied by a resource or data source type. */
function providersOf(stack: StackView): Map<string, { source?: string }> {
  const found = new Map<string, { source?: string }>();
  const required = ((stack.json.terraform as Json | undefined)?.required_providers ?? {}) as Record<string, Json | string>;
  for (const [name, spec] of Object.entries(required)) found.set(name, { source: typeof spec === 'string' ? undefined : (spec.source as string | undefined) });
  for (const name of Object.keys((stack.json.provider ?? {}) as Json)) if (!found.has(name)) found.set(name, {});
  for (const r of stack.resources) {
    const name = r.type.split('_')[0];
    if (!found.has(name)) found.set(name, {});
  }
  return found;
}

export const EXECUTION_RULES: readonly Rule[] = [
  {
    id: 'TM_EXEC_PROVISIONER',
    severity: 'critical',
    title: 'No resource runs a provisioner',
    fix: 'Remove the provisioner: let an AWS resource do the work (user data, a Lambda invocation, an SSM document); if it must stay, waive it for this resource with a reason and a short expiry',
    evaluate: (stack) => wholeStack(stack, managed(stack).flatMap((r) => {
      const kinds = provisioners(r).filter((kind) => !(COMMAND_TYPES.includes(r.type) && COMMANDS.includes(kind)));
      return kinds.length ? [{ address: r.address, path: r.path, failure: `a ${kinds.join(' and a ')} provisioner runs on the machine that applies, with the apply role's credentials` }] : [];
    })),
  },
  {
    id: 'TM_EXEC_COMMAND_RESOURCE',
    severity: 'critical',
    title: 'No terraform_data or null_resource runs a command (local-exec, remote-exec)',
    fix: 'Remove the resource: what it runs belongs in a reviewed script or an AWS resource, not in the apply',
    evaluate: (stack) => managed(stack).filter((r) => COMMAND_TYPES.includes(r.type)).map((r) => {
      const commands = provisioners(r).filter((kind) => COMMANDS.includes(kind));
      const shown = blocks(r.body.provisioner).map((p) => blocks(p['local-exec'] ?? p['remote-exec'])[0]).map((c) => c?.command ?? c?.inline).find((c) => c !== undefined);
      return { address: r.address, path: r.path, failure: commands.length ? `runs a ${commands.join(' and a ')} command${shown === undefined ? '' : ` (${JSON.stringify(shown).slice(0, 80)})`} with the apply role's credentials` : undefined };
    }),
  },
  {
    id: 'TM_EXEC_DATA_SOURCE',
    severity: 'critical',
    title: 'No data source runs a program or fetches a URL while Terraform plans (external, http)',
    fix: 'Remove the data source: put the value in taskmanager.config.json, or read it with an AWS data source',
    evaluate: (stack) => stack.resources.filter((r) => r.address.startsWith('data.')).map((r) => ({ address: r.address, path: r.path, failure: PLAN_TIME_CODE[r.type] })),
  },
  {
    id: 'TM_EXEC_PROVIDER',
    severity: 'critical',
    title: 'Only allowed providers, from their registry source (aws)',
    fix: 'Use the AWS provider; a new provider is a reviewed change of ALLOWED_PROVIDERS (delivery/policy/rules/execution.ts) and of the committed lock file',
    evaluate: (stack) => [...providersOf(stack)].map(([name, { source }]) => {
      const address = `provider.${name}`;
      const allowed = ALLOWED_PROVIDERS[name];
      if (!allowed) return { address, path: address, failure: `provider ${JSON.stringify(name)}${source ? ` (${source})` : ''} is not allowed (allowed: ${Object.keys(ALLOWED_PROVIDERS).join(', ')}): a provider is a program that runs with the deploy role's credentials` };
      const from = source === undefined ? allowed : fullSource(source);
      return { address, path: address, failure: from === allowed ? undefined : `provider ${JSON.stringify(name)} comes from ${source}, not ${allowed}` };
    }),
  },
  {
    id: 'TM_EXEC_MODULE',
    severity: 'critical',
    title: 'No Terraform modules: every resource is synthesized where this check sees it',
    fix: 'Write the module\'s resources as constructs (stacks/constructs/), so that the policy checks them',
    evaluate: (stack) => wholeStack(stack, Object.entries((stack.json.module ?? {}) as Record<string, Json>).map(([name, body]) => ({
      address: `module.${name}`,
      path: `module.${name}`,
      failure: `module from ${JSON.stringify(body.source)}: its resources, provisioners and providers are not checked here`,
    }))),
  },
];
