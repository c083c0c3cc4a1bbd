/**
 * Renderers against schema-valid but hostile reports (issue 14, defects 9 and 10): deeply nested
 * evidence, characters XML forbids, HTML in messages and engine names.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeJspi } from '../adapters/node-jspi/adapter.ts';
import { buildReport, writeReport } from '../harness/report/build.ts';
import { renderHtml } from '../harness/report/render/html.ts';
import { renderJUnit } from '../harness/report/render/junit.ts';
import { renderMarkdown } from '../harness/report/render/markdown.ts';
import type { CaseResult, Report } from '../harness/report/types.ts';
import { validateReport } from '../harness/report/validate.ts';
import { awc } from './support/awc.ts';

const DEPTH = 100_000;
/** JSON text nested DEPTH levels deep (JSON.stringify itself cannot produce it). */
const deepJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

// Every kind of character XML 1.0 forbids or that breaks markup.
const HOSTILE =
  'nul\u0000 bell\u0007 esc\u001b del\u007f c1\u0085 ffff\uffff fffe\ufffe fdd0\ufdd0 lone-hi\ud800 lone-lo\udc00 astral-nonchar\u{1fffe} ok\u{1f600} ]]> <img src=x onerror=alert(1)> & "q" \'a\' <script>alert(2)</script>';

let dir: string;
let report: Report;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'awc-reports-robust-'));
  const description = { ...(await nodeJspi.describe()), engine: { name: '<b>engine</b><script>x()</script>', version: `1 ${HOSTILE}` } };
  const base = {
    suite: 'propagation',
    requirement: 'PROP-ECHO',
    level: 'MUST' as const,
    durationMs: 1,
    adapterId: description.id,
    reproduce: 'npx awc run --adapter node-jspi --case x',
  };
  const results: CaseResult[] = [
    {
      ...base,
      caseId: 'propagation.deep.fail',
      status: 'fail',
      message: HOSTILE,
      evidence: JSON.parse(deepJson(DEPTH)),
      reproduce: `npx awc run --case '${HOSTILE}'`,
    },
    {
      ...base,
      caseId: 'propagation.deep.error',
      status: 'error',
      message: `first line\n${HOSTILE}`,
      evidence: { nested: JSON.parse(deepJson(DEPTH)), text: HOSTILE },
    },
    { ...base, caseId: 'propagation.skip', status: 'skipped', message: HOSTILE },
    { ...base, caseId: 'propagation.known', status: 'expected-fail', message: HOSTILE },
  ];
  const now = new Date();
  report = buildReport({
    startedAt: now,
    finishedAt: now,
    invocation: { argv: [HOSTILE], filters: { adapters: [description.id], suites: [], case: null } },
    adapters: [description],
    results,
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deeply nested evidence (defect 9)', () => {
  it('is schema-valid, and every renderer draws it cut at a depth with a marker instead of throwing', () => {
    expect(validateReport(report).valid).toBe(true);
    const html = renderHtml(report);
    const junit = renderJUnit(report);
    expect(html).toContain('cut');
    expect(junit).toContain('cut');
    expect(renderMarkdown(report)).toContain('propagation.deep.fail');
  });

  it('awc report renders such a file in every format', async () => {
    const file = join(dir, 'deep.json');
    // Written by hand: JSON.stringify cannot write it either.
    const withoutEvidence = { ...report, results: report.results.map(({ evidence: _e, ...r }) => r) };
    const text = JSON.stringify(withoutEvidence).replace('"caseId":"propagation.deep.fail"', `"evidence":${deepJson(DEPTH)},"caseId":"propagation.deep.fail"`);
    await writeFile(file, text);
    const r = await awc(['report', file, '--format', 'html,md,junit']);
    expect(r.code, r.stderr).toBe(0);
    const junit = await readFile(join(dir, 'deep.junit.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
  });
});

describe('JUnit is well-formed XML whatever the strings (defect 10)', () => {
  it('validates, and keeps no character XML 1.0 forbids', () => {
    const junit = renderJUnit(report);
    expect(XMLValidator.validate(junit)).toBe(true);
    // XML 1.0 Char, minus the discouraged non-characters and C1 controls (strict parsers reject some of them).
    const forbidden = /[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\u{10000}-\u{10fffd}]|[\u{1fffe}\u{1ffff}]/u;
    expect(junit).not.toMatch(forbidden);
    expect(junit.isWellFormed()).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(junit);
    expect(parsed.testsuites.testsuite.testcase).toHaveLength(4);
    expect(junit).toContain('ok\u{1f600}');
  });
});

describe('Markdown does not pass HTML through (defect 10)', () => {
  it('escapes HTML from messages and engine names', () => {
    const md = renderMarkdown(report);
    // Code spans (the rerun line) are literal text in Markdown; everything else must carry no tag.
    expect(md.replace(/(`+)[^`][\s\S]*?\1/g, '')).not.toMatch(/<(img|script|b)\b/i);
    expect(md).toContain('&lt;script&gt;');
    expect(md).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  });
});

describe('writeReport', () => {
  it('writes a report whose evidence is too deep for JSON.stringify, cut with a marker', async () => {
    const file = join(dir, 'deep-written.json');
    await writeReport(report, file);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[cut: nested deeper than');
    expect(validateReport(JSON.parse(text)).valid).toBe(true);
  });

  it('leaves no temporary file when the path cannot take the report', async () => {
    const target = join(dir, 'is-a-dir');
    await writeFile(join(dir, 'placeholder'), '');
    await rm(target, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(target));
    const small = { ...report, results: [], summary: buildReport({ ...report, startedAt: new Date(), finishedAt: new Date(), results: [] } as never).summary };
    await expect(writeReport(small, target)).rejects.toThrow(/EISDIR|directory/);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
