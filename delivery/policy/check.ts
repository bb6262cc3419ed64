/**
 * The policy check of a synthesized app: its stacks with their environment's settings from the
 * configuration synth resolved (cdktf.out's taskmanager.resolved.json), the plans given for some
 * of them, and that configuration's waivers.
 */
import type { ProjectConfig } from '../../stacks/config';
import type { PlanJson } from '../plan/model';
import { readResolvedConfig } from '../resolved-config';
import { evaluatePolicy, type PolicyResult, today } from './engine';
import { readSynthesized, StackView } from './stack';

export interface PolicyCheckOptions {
  /** The synthesized app (cdktf.out). */
  readonly outDir: string;
  /** The settings to judge with. @default the app's own resolved configuration (what synth used) */
  readonly config?: ProjectConfig;
  /** Plans by stack name. */
  readonly plans?: Readonly<Record<string, PlanJson>>;
  /** Today, YYYY-MM-DD (UTC) @default the current date */
  readonly today?: string;
}

/** The stacks of a synthesized app as the rules read them. */
export function policyStacks(outDir: string, config: ProjectConfig, plans: Readonly<Record<string, PlanJson>> = {}): StackView[] {
  const synthesized = readSynthesized(outDir);
  for (const name of Object.keys(plans)) {
    if (!synthesized.some((s) => s.name === name)) throw new Error(`a plan is given for ${name}, but ${outDir} has no stack of that name (stacks: ${synthesized.map((s) => s.name).join(', ')})`);
  }
  return synthesized.map((s) => new StackView({
    name: s.name,
    json: s.json,
    environment: config.environments.find((e) => e.name === s.name),
    plan: plans[s.name],
    requiredTags: config.policy.requiredTags,
  }));
}

export function checkPolicy(options: PolicyCheckOptions): PolicyResult {
  const config = options.config ?? readResolvedConfig(options.outDir);
  return evaluatePolicy(policyStacks(options.outDir, config, options.plans), { waivers: config.policy.waivers, today: options.today ?? today() });
}
