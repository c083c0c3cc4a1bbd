/**
 * `awc badge`: one adapter's MUST results as a self-contained SVG badge (no fonts or images
 * fetched). Message "P/T MUST": P passing, T that ran (unsupported, unavailable and skipped left
 * out). Colour: green when every MUST case that ran passed; yellow when the only other results
 * are listed known failures (expected-fail); red on any fail, error, timeout or unexpected-pass;
 * grey when the adapter was unavailable or ran no MUST case.
 */
import { FAILING_STATUSES, type Report } from '../types.ts';
import { xmlText } from './safe.ts';

export const BADGE_COLOURS = { green: '#2e7d32', yellow: '#b58900', red: '#c62828', grey: '#757575' } as const;

export function badgeFacts(report: Report, adapterId: string): { message: string; colour: keyof typeof BADGE_COLOURS } {
  const adapter = report.adapters.find((a) => a.id === adapterId);
  const must = report.results.filter((r) => r.adapterId === adapterId && r.level === 'MUST');
  const ran = must.filter((r) => r.status !== 'unsupported' && r.status !== 'unavailable' && r.status !== 'skipped');
  const passing = ran.filter((r) => r.status === 'pass').length;
  if (!adapter?.available || ran.length === 0) return { message: adapter?.available ? 'no MUST case ran' : 'unavailable', colour: 'grey' };
  const colour = ran.some((r) => FAILING_STATUSES.has(r.status)) ? 'red' : passing === ran.length ? 'green' : 'yellow';
  return { message: `${passing}/${ran.length} MUST`, colour };
}

/** Approximate width of text in 11px Verdana, as badge makers estimate it (no font at hand). */
const textWidth = (s: string) => Math.ceil([...s].reduce((w, ch) => w + (/[il.,:;|!' ]/.test(ch) ? 3.5 : /[A-Z0-9MW/]/.test(ch) ? 8 : 6.5), 0)) + 10;

export function renderBadge(report: Report, adapterId: string): string {
  const { message, colour } = badgeFacts(report, adapterId);
  const label = `awc ${adapterId}`;
  const lw = textWidth(label);
  const mw = textWidth(message);
  const w = lw + mw;
  const text = (x: number, s: string) =>
    `<text x="${x}" y="15" fill="#010101" fill-opacity=".3">${xmlText(s)}</text><text x="${x}" y="14">${xmlText(s)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${xmlText(`${label}: ${message}`)}">
<title>${xmlText(`${label}: ${message}`)}</title>
<rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${BADGE_COLOURS[colour]}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">${text(5, label)}${text(lw + 5, message)}</g>
</svg>
`;
}
