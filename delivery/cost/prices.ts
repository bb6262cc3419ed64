/**
 * The checked-in price tables, one per region (prices/<region>.json), each entry with its source
 * and the date it was read. Every price is optional: what a table lacks is "not priced", never 0.
 */
import euNorth1 from './prices/eu-north-1.json';
import euWest1 from './prices/eu-west-1.json';
import usEast1 from './prices/us-east-1.json';

interface Sourced {
  /** Where the prices were read. */
  readonly source: string;
}

export interface PriceTable {
  readonly region: string;
  readonly currency: string;
  /** AWS's convention for a month of hourly prices. */
  readonly hoursPerMonth: number;
  /** When the prices were read (YYYY-MM-DD). */
  readonly read: string;
  readonly note?: string;
  readonly ec2?: Sourced & { readonly hourly: Readonly<Record<string, number>> };
  readonly rds?: Sourced & {
    /** By engine, then class. */
    readonly hourly: Readonly<Record<string, Readonly<Record<string, { readonly singleAz: number; readonly multiAz: number }>>>>;
    /** By storage type. */
    readonly storageGbMonth: Readonly<Record<string, { readonly singleAz: number; readonly multiAz: number }>>;
  };
  readonly ebs?: Sourced & { readonly gbMonth: Readonly<Record<string, number>> };
  readonly vpc?: Sourced & { readonly natGatewayHourly?: number; readonly publicIpv4Hourly?: number; readonly interfaceEndpointHourlyPerAz?: number };
  readonly elb?: Sourced & { readonly albHourly?: number };
  readonly kms?: Sourced & { readonly keyMonthly: number };
  readonly secretsManager?: Sourced & { readonly secretMonthly: number };
  readonly cloudwatch?: Sourced & {
    readonly dashboardMonthly?: number;
    readonly alarmMonthly?: { readonly standard: number; readonly highResolution: number };
    /** A custom metric (agent, EMF, PutMetricData) per month, in the first 10,000 metrics' tier. */
    readonly customMetricMonthly?: number;
  };
  readonly waf?: Sourced & { readonly webAclMonthly: number; readonly ruleMonthly: number };
  /** Fargate on Linux, by CPU architecture: per vCPU-hour and per GB-hour of task memory. */
  readonly fargate?: Sourced & { readonly vcpuHourly: Readonly<Record<string, number>>; readonly gbHourly: Readonly<Record<string, number>> };
  readonly ecr?: Sourced & { readonly storageGbMonth: number };
}

/** The regions we have tables for. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = Object.fromEntries(
  ([usEast1, euWest1, euNorth1] as PriceTable[]).map((table) => [table.region, table]),
);
