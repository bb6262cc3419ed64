/** The one typed, validated configuration of the project (SPEC T3); see load.ts for its sources. */
export { ConfigError } from '../../api/contract/config-error';
export { loadConfig, type LoadOptions } from './load';
export * from './schema';
