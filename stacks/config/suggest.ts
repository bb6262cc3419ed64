/** "Did you mean": the closest of the known values to a mistyped one, by edit distance. */

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/**
 * The known value nearest to `value` when it is near enough to be a typo: at most 2 edits apart (a
 * swap of two letters counts 2), or a third of its length for long values; undefined otherwise.
 */
export function closest(value: string, known: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.candidate !== value && best.distance <= Math.max(2, Math.floor(value.length / 3)) ? best.candidate : undefined;
}

/** `; did you mean "x"?` for a typo of a known value, or '' when none is close. */
export function didYouMean(value: string, known: readonly string[]): string {
  const near = closest(value, known);
  return near ? `; did you mean "${near}"?` : '';
}
