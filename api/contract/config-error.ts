/**
 * The one configuration error of the project. The stacks' typed config, the API and the worker
 * all throw it, each problem naming its setting: a config path (`environments.dev.region`) or an
 * environment variable (`DB_PORT`), so the person reading it knows exactly what to change.
 */
export interface ConfigProblem {
  /** The setting at fault, as the user writes it. */
  readonly field: string;
  /** What is wrong, phrased to follow the field: `must be ...`, `"x" is not ...`, `is required`. */
  readonly problem: string;
}

export class ConfigError extends Error {
  /** Every problem found, `<field>: <problem>`. */
  readonly problems: readonly string[];
  /** The setting the first problem names. */
  readonly field: string;

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `${p.field}: ${p.problem}`);
    super(lines.length === 1 ? `Invalid configuration: ${lines[0]}` : `Invalid configuration:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = lines;
    this.field = problems[0]?.field ?? '';
  }

  /** The common case of one bad setting. */
  static of(field: string, problem: string): ConfigError {
    return new ConfigError([{ field, problem }]);
  }
}
