// The generated rules pass promtool check rules, and the generated unit tests pass promtool test rules.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';

const DIR = path.resolve(import.meta.dirname, '../../generated/prometheus');
const promtool = requireTool('promtool');
const run = promisify(execFile);

describe.skipIf(!promtool)('generated Prometheus rules (promtool 2.42)', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run(promtool!, ['check', 'rules', 'ampyobs.rules.yaml'], { cwd: DIR });
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it.each(['ampyobs.rules.test.yaml', 'ampyobs.rules.slow.test.yaml'])(
    'pass promtool test rules %s',
    async (file) => {
      const { stdout } = await run(promtool!, ['test', 'rules', file], { cwd: DIR, maxBuffer: 16 << 20 });
      expect(stdout).toContain('SUCCESS');
    },
    300_000,
  );
});
