/** YAML aliases (`*name`) lanes.yaml or a Chart.yaml may expand: plenty for sharing a block, far too few for a "billion laughs" bomb. */
export const MAX_ALIAS_COUNT = 100;

/** What went wrong expanding aliases, in words that say what to change. */
export function describeAliasError(e: Error): string {
  if (/Excessive alias count/.test(e.message)) {
    return `YAML aliases expand more than ${MAX_ALIAS_COUNT} times (an alias bomb, or far more sharing than lanes.yaml needs); write the repeated values out`;
  }
  const unresolved = /Unresolved alias[^:]*: (.*)$/.exec(e.message);
  if (unresolved) return `YAML alias *${unresolved[1]} refers to no anchor; define &${unresolved[1]} before it is used, or write the value out`;
  return `YAML cannot be read: ${e.message.split('\n')[0]}`;
}
