/**
 * Making report content safe for each output format. A report is schema-valid with any string
 * and any evidence depth (adapters and runtimes under test produce them), so renderers must not
 * assume tame input: deep evidence would overflow JSON.stringify's recursion, characters XML
 * forbids make a JUnit file unparseable, and HTML in a message must stay text in Markdown.
 */

/** Evidence nested deeper than this is cut with a marker (real evidence is a few levels deep). */
export const MAX_EVIDENCE_DEPTH = 64;
export const cutMarker = (depth: number) => `[cut: nested deeper than ${depth} levels]`;

/** A copy of `value` with every subtree below `maxDepth` replaced by a marker string. */
export function limitDepth(value: unknown, maxDepth = MAX_EVIDENCE_DEPTH): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= maxDepth) return cutMarker(maxDepth);
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  return walk(value, 0);
}

/**
 * Characters a strict XML 1.0 reader refuses or warns about, replaced by U+FFFD so the reader
 * still sees that something was there: C0 controls but tab/LF/CR, DEL and C1 controls, lone
 * surrogates, U+FDD0–U+FDEF and the two non-characters ending every plane (U+xFFFE, U+xFFFF).
 */
const XML_UNSAFE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\u{1fffe}\u{1ffff}\u{2fffe}\u{2ffff}\u{3fffe}\u{3ffff}\u{4fffe}\u{4ffff}\u{5fffe}\u{5ffff}\u{6fffe}\u{6ffff}\u{7fffe}\u{7ffff}\u{8fffe}\u{8ffff}\u{9fffe}\u{9ffff}\u{afffe}\u{affff}\u{bfffe}\u{bffff}\u{cfffe}\u{cffff}\u{dfffe}\u{dffff}\u{efffe}\u{effff}\u{ffffe}\u{fffff}\u{10fffe}\u{10ffff}]/gu;

/** Text for XML character data or a double-quoted attribute value. */
export const xmlText = (s: string): string =>
  s.replace(XML_UNSAFE, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Control characters (terminal escapes among them) shown as \u escapes: for a terminal or Markdown. */
export const visibleControls = (s: string): string =>
  s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Markdown text on one line: HTML as entities, Markdown punctuation escaped, controls visible. */
export const mdText = (s: string): string =>
  visibleControls(s.replace(/\r?\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]()!#|~])/g, '\\$1');

/** A Markdown code span that no backtick in `s` can close early. */
export function mdCode(s: string): string {
  const text = visibleControls(s.replace(/\r?\n/g, ' '));
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text}${fence}`;
}
