// The bad spec cases of the `redos` rule (see test/support/bad-spec.ts): their check runs recheck's
// native ReDoS analyser as a child process, for seconds, so they sit in the slow tier.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cases, expectBadSpec, runsAnotherProgram } from '../support/bad-spec.js';

const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const names = [...cases].filter(([, c]) => runsAnotherProgram(c)).map(([name]) => name);

describe('bad spec catalogue, cases that run another program', () => {
  it('has at least the redos example', () => expect(names).toContain('redos.yaml'));

  it.each(names)('%s', (name) => expectBadSpec(root, name));
});
