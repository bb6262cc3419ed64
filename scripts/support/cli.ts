/**
 * The command-line pattern every script in scripts/ shares: one list of flags gives both
 * `util.parseArgs`'s options and the `--help` text, so the help never drifts from what is parsed.
 * `-h`/`--help` is added to every command; a bad flag is a UsageError (exit 64 by convention).
 */
import { parseArgs, type ParseArgsConfig } from 'util';
import { UsageError } from '../../delivery/plan/comment';

export { UsageError };

/** One flag: how `util.parseArgs` reads it, and how `--help` lists it. */
export type Flag = NonNullable<ParseArgsConfig['options']>[string] & {
  /** What the flag does, one line (more lines are indented under it). */
  readonly description: string;
  /** The value's placeholder in the help, e.g. `FILE` (string flags). */
  readonly value?: string;
};

export interface Command<F extends Record<string, Flag>> {
  /** How a user runs it, e.g. `npm run policy --`. */
  readonly invocation: string;
  /** The positional arguments as the usage line shows them, e.g. `[<synth-dir>]`. */
  readonly positionals?: string;
  /** What the command does, one or more lines. */
  readonly summary: string;
  readonly flags: F;
  /** Sections after the flags: environment variables, exit codes, examples. */
  readonly notes?: readonly string[];
}

const HELP: { readonly help: { readonly type: 'boolean'; readonly short: 'h'; readonly description: string } } = { help: { type: 'boolean', short: 'h', description: 'print this help and exit' } };

const PARSE_ARGS_KEYS = ['type', 'short', 'multiple', 'default'];

type Parsed<F extends Record<string, Flag>> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: F & typeof HELP }>>;

/** The usage line: the invocation, `[options]` and the positionals. */
export function usageLine(command: Command<Record<string, Flag>>): string {
  return `usage: ${command.invocation} [options]${command.positionals ? ` ${command.positionals}` : ''}`;
}

/** The text `--help` prints: usage, summary, every flag with its description, then the notes. */
export function helpText(command: Command<Record<string, Flag>>): string {
  const all: Record<string, Flag> = { ...command.flags, ...HELP };
  const flags = Object.entries(all).map(([name, flag]) => {
    const value = flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : '';
    const short = flag.short ? `-${flag.short}, ` : '';
    const repeat = flag.multiple ? ' (repeatable)' : '';
    return { left: `  ${short}--${name}${value}`, lines: `${flag.description}${repeat}`.split('\n') };
  });
  const width = Math.max(...flags.map((f) => f.left.length)) + 2;
  const rows = flags.flatMap((f) => f.lines.map((line, i) => `${(i === 0 ? f.left : '').padEnd(width)}${line}`));
  return [usageLine(command), '', command.summary, '', 'Options:', ...rows, ...(command.notes ?? []).flatMap((n) => ['', n]), ''].join('\n');
}

/**
 * Parses `argv` against the command's flags (strict: an unknown flag is a UsageError naming the
 * usage); `'help'` when `-h` or `--help` is given, whatever else is.
 */
export function parseCommand<const F extends Record<string, Flag>>(command: Command<F>, argv: readonly string[]): Parsed<F> | 'help' {
  const all: Record<string, Flag> = { ...command.flags, ...HELP };
  const options: NonNullable<ParseArgsConfig['options']> = Object.fromEntries(
    // util.parseArgs refuses keys it does not know and keys set to undefined.
    Object.entries(all).map(([name, flag]) => [name, Object.fromEntries(Object.entries(flag).filter(([key, v]) => v !== undefined && PARSE_ARGS_KEYS.includes(key))) as Flag]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    if (argv.includes('--help') || argv.includes('-h')) return 'help';
    throw new UsageError(`${(error as Error).message}\n${usageLine(command)} (--help lists the options)`);
  }
  if (parsed.values.help) return 'help';
  return parsed as unknown as Parsed<F>;
}

/** The exit code of a failed command: 64 (EX_USAGE) for a usage error, 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? 64 : 1;
}

/** For a script's entry point: its parsed command line; `--help` prints the help and exits 0, a usage error exits 64. */
export function commandLineOrExit<const F extends Record<string, Flag>>(command: Command<F>, argv: readonly string[] = process.argv.slice(2)): Parsed<F> {
  let parsed: Parsed<F> | 'help';
  try {
    parsed = parseCommand(command, argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return process.exit(64);
  }
  if (parsed === 'help') {
    process.stdout.write(helpText(command));
    return process.exit(0);
  }
  return parsed;
}
