import type { BuildOptions } from 'esbuild';

/** Runs esbuild unless `stampFile` records the same options and unchanged inputs. Returns whether it built. */
export function buildIfStale(options: BuildOptions, stampFile: string): boolean;
