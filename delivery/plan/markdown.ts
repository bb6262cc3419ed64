/** Markdown pieces the comments share: inline code, fenced blocks, table cells, counts. */

/**
 * Control characters (a newline in a for_each key, say) as their JSON-style escapes, so that a
 * value from a plan always stays on its line.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Inline code that survives backticks and control characters in the text. */
export function code(text: string): string {
  const safe = escapeControl(text);
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${safe} ${fence}` : `${fence}${safe}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function fenced(lang: string, body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** A table cell: on one line, its pipes escaped. */
export function cell(text: string): string {
  return escapeControl(text.replace(/\s*\n\s*/g, ' ')).replace(/\|/g, '\\|');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
