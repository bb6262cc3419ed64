import type { EnvironmentConfig } from '../config';

/** Tags every stack puts on every resource through the provider's `default_tags`. */
export function defaultTags(project: string, environment: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...extra, Project: project, Environment: environment, ManagedBy: 'cdktf' };
}

/** Resource names: `<namePrefix>-<part>-<part>`, so a rename is one change in config. */
export class Naming {
  constructor(readonly prefix: string) {}

  static of(env: Pick<EnvironmentConfig, 'namePrefix'>): Naming {
    return new Naming(env.namePrefix);
  }

  name(...parts: string[]): string {
    return [this.prefix, ...parts].join('-');
  }

  /** The `Name` tag, which the console shows for VPC resources. */
  nameTag(...parts: string[]): { Name: string } {
    return { Name: this.name(...parts) };
  }
}
