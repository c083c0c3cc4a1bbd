/**
 * JUnit XML: one <testsuite> per adapter × suite, one <testcase> per result. fail, timeout and
 * unexpected-pass are <failure>; error is <error>; unsupported, unavailable and skipped are
 * <skipped> with the reason; expected-fail passes with the known-failure note in <system-out>.
 */
import type { Report } from '../types.ts';
import { limitDepth, xmlText } from './safe.ts';

const xml = xmlText;

export function renderJUnit(report: Report): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="async-wasm-conformance" tests="${report.results.length}" timestamp="${xml(report.startedAt)}">`,
  ];
  const groups = new Map<string, Report['results']>();
  for (const r of report.results) {
    const key = `${r.adapterId}.${r.suite}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [name, results] of groups) {
    const count = (statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
    const time = results.reduce((t, r) => t + r.durationMs, 0) / 1000;
    out.push(
      `  <testsuite name="${xml(name)}" tests="${results.length}" failures="${count(['fail', 'timeout', 'unexpected-pass'])}" errors="${count(['error'])}" skipped="${count(['unsupported', 'unavailable', 'skipped'])}" time="${time.toFixed(3)}">`,
    );
    for (const r of results) {
      const open = `    <testcase classname="${xml(name)}" name="${xml(`${r.caseId} [${r.level} ${r.requirement}]`)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      const message = xml(r.message ?? r.status);
      const detail = xml(
        [r.message ?? '', r.reproduce ? `rerun: ${r.reproduce}` : '', r.evidence ? JSON.stringify(limitDepth(r.evidence), null, 2) : '']
          .filter(Boolean)
          .join('\n'),
      );
      switch (r.status) {
        case 'pass':
          out.push(`${open}/>`);
          break;
        case 'expected-fail':
          out.push(`${open}><system-out>${message}</system-out></testcase>`);
          break;
        case 'error':
          out.push(`${open}><error message="${message}" type="error">${detail}</error></testcase>`);
          break;
        case 'unsupported':
        case 'unavailable':
        case 'skipped':
          out.push(`${open}><skipped message="${xml(`${r.status}: ${r.message ?? ''}`)}"/></testcase>`);
          break;
        default:
          out.push(`${open}><failure message="${message}" type="${r.status}">${detail}</failure></testcase>`);
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
