/**
 * The estimated monthly list price of a stack before and after a plan, itemized by resource:
 * fixed prices from the region's table, "not priced" lines for what the tables lack, and the
 * usage-based parts by name. Before comes from the plan's `prior_state`, so a pull request
 * shows what it adds.
 */
import { emptyTable, type Line, price } from './catalog';
import { PRICE_TABLES, type PriceTable } from './prices';
import type { PlanJson } from '../plan/model';
import { type CostPlan, regionOf, type Snapshot, snapshots } from './snapshot';

export interface ResourceCost {
  readonly address: string;
  readonly type: string;
  readonly lines: readonly Line[];
  readonly usage: readonly string[];
  /** The sum of its priced lines. */
  readonly monthly: number;
  readonly notPriced: number;
}

export interface SideCost {
  /** Resources with a fixed price, a "not priced" line or a usage-based part. */
  readonly resources: readonly ResourceCost[];
  /** The priced part, USD per month. */
  readonly monthly: number;
  /** Lines that could not be priced. */
  readonly notPriced: number;
}

export interface StackCost {
  readonly stack: string;
  /** The region of the stack's default AWS provider. */
  readonly region?: string;
  /** When its price table was read. */
  readonly pricesRead?: string;
  readonly before: SideCost;
  readonly after: SideCost;
  /** after − before, priced parts only. */
  readonly delta: number;
  /** Resources whose price changes, by address. */
  readonly changes: readonly { readonly address: string; readonly before?: ResourceCost; readonly after?: ResourceCost }[];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function side(snapshot: Snapshot, tableFor: (providerKey: string) => PriceTable): SideCost {
  const resources = snapshot.resources
    .map((r) => {
      const { lines, usage } = price(r, tableFor(r.providerKey), snapshot);
      return { address: r.address, type: r.type, lines, usage, monthly: sum(lines.map((l) => l.monthly ?? 0)), notPriced: lines.filter((l) => l.monthly === undefined).length };
    })
    .filter((r) => r.lines.length > 0 || r.usage.length > 0)
    .sort((a, b) => (a.address < b.address ? -1 : 1));
  return { resources, monthly: sum(resources.map((r) => r.monthly)), notPriced: sum(resources.map((r) => r.notPriced)) };
}

function sameLines(a?: ResourceCost, b?: ResourceCost): boolean {
  return JSON.stringify(a?.lines ?? []) === JSON.stringify(b?.lines ?? []);
}

/** The estimate of one stack's plan (`plan` as parsePlan returns it; the parts read here are optional). */
export function estimateStack(stack: string, planJson: PlanJson | CostPlan, tables: Readonly<Record<string, PriceTable>> = PRICE_TABLES): StackCost {
  const plan = planJson as CostPlan;
  const region = regionOf(plan, 'aws');
  const tableFor = (providerKey: string): PriceTable => {
    const where = regionOf(plan, providerKey) ?? region ?? '(unknown region)';
    return tables[where] ?? emptyTable(where);
  };
  const { before: prior, after: planned } = snapshots(plan);
  const before = side(prior, tableFor);
  const after = side(planned, tableFor);
  const addresses = [...new Set([...before.resources, ...after.resources].filter((r) => r.lines.length > 0).map((r) => r.address))].sort();
  const changes = addresses
    .map((address) => ({ address, before: before.resources.find((r) => r.address === address), after: after.resources.find((r) => r.address === address) }))
    .filter((c) => !sameLines(c.before, c.after));
  return { stack, region, pricesRead: region ? tables[region]?.read : undefined, before, after, delta: after.monthly - before.monthly, changes };
}
