/**
 * Saved counterexamples (fixtures/regressions/*.json, written by `awc replay --save NAME`): each
 * runs forever after as an ordinary case, checked against the model like when it was found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Case } from '../../harness/case.ts';
import { fail, pass } from '../../harness/check.ts';
import { compileWat } from '../../harness/fixtures.ts';
import { outcomeToJson } from '../../harness/outcome.ts';
import { FIXTURES_DIR } from '../../harness/paths.ts';
import { defineCase } from '../define.ts';
import { toWat } from './codegen.ts';
import { runModel, type Program } from './program.ts';
import { hostCalls, mismatch } from './cases.ts';

export const REGRESSIONS_DIR = join(FIXTURES_DIR, 'regressions');

export interface SavedRegression {
  name: string;
  program: Program;
  foundBy: { property: string; adapter: string; seed: number; path: string; message: string };
}

function load(): SavedRegression[] {
  let files: string[];
  try {
    files = readdirSync(REGRESSIONS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(REGRESSIONS_DIR, f), 'utf8')) as SavedRegression);
}

export const regressionCases: Case[] = load().map((saved) =>
  defineCase({
    id: `properties.regression.${saved.name}`,
    title: `saved counterexample ${saved.name} (found by ${saved.foundBy.property} on ${saved.foundBy.adapter}: ${saved.foundBy.message})`,
    requirement: 'GEN-MODEL',
    async run(ctx) {
      const instance = await ctx.instantiateWasm(await compileWat(toWat(saved.program), `${saved.name}.wat`), `regressions/${saved.name}`);
      const outcome = await instance.call('main', [], { results: ['i32'], deadlineMs: 10_000 });
      const calls = await hostCalls(instance);
      const expected = runModel(saved.program);
      const problem = mismatch(expected, outcome, calls);
      const evidence = { expected, actual: outcomeToJson(outcome), hostCalls: calls };
      return problem ? fail(problem, evidence) : pass(evidence);
    },
  }),
);
