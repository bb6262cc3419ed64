/**
 * Resource addresses are part of the stacks' interface: Terraform destroys and recreates a
 * resource whose address changes (a database, a bucket). Construct ids and paths decide the
 * addresses, so a refactor must leave this list as it is. A deliberate change edits
 * resource-addresses.json in the same commit, with a `moved` block for anything stateful.
 */
import * as fs from 'fs';
import * as path from 'path';
import { bootstrapStack, environmentStack, Json } from './synth';

const PINNED: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(__dirname, 'resource-addresses.json'), 'utf8'));

function addresses(stack: Json): string[] {
  return Object.entries(stack.resource as Record<string, Record<string, unknown>>)
    .flatMap(([type, resources]) => Object.keys(resources).map((name) => `${type}.${name}`))
    .sort();
}

describe('resource addresses', () => {
  test('bootstrap keeps every pinned address', () => {
    expect(addresses(bootstrapStack())).toEqual(PINNED.bootstrap);
  });

  test.each(['dev', 'prod'] as const)('%s keeps every pinned address', (name) => {
    expect(addresses(environmentStack(name))).toEqual(PINNED[name]);
  });
});
