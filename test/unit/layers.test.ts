/**
 * The layer rules of .dependency-cruiser.cjs (run by `npm run lint`) catch a wrong import: cruised
 * over test/fixtures/layers/, laid out like the project, domain/ importing db/ is reported, and a
 * workflow that imports domain/ and a type from db/ is not.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ruleSet = require('../../.dependency-cruiser.cjs') as { forbidden: unknown[]; options: Record<string, unknown> };
const fixtures = fileURLToPath(new URL('../fixtures/layers/', import.meta.url));

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

async function violationsIn(folders: string[]): Promise<Violation[]> {
  const { cruise } = (await import('dependency-cruiser')) as unknown as {
    cruise: (files: string[], options: Record<string, unknown>) => Promise<{ output: { summary: { violations: Violation[] } } }>;
  };
  // The project's tsconfig is not the fixtures': everything else as lint runs it.
  const options = Object.fromEntries(Object.entries(ruleSet.options).filter(([key]) => key !== 'tsConfig'));
  const result = await cruise(folders, { ...options, ruleSet: { forbidden: ruleSet.forbidden }, baseDir: fixtures, validate: true });
  return result.output.summary.violations;
}

describe('layer rules', () => {
  it('report domain/ importing db/, naming the rule', async () => {
    const violations = await violationsIn(['domain', 'db']);
    expect(violations.map((v) => ({ from: v.from, to: v.to, rule: v.rule.name, severity: v.rule.severity }))).toEqual([
      { from: 'domain/rules.ts', to: 'db/pool.ts', rule: 'domain-is-pure', severity: 'error' },
    ]);
  });

  it('let a workflow import domain/ and types from elsewhere', async () => {
    const violations = await violationsIn(['workflows']);
    expect(violations.filter((v) => v.from.startsWith('workflows/'))).toEqual([]);
  });
});
