// A service keeps its own spec that imports the base registry and generates into its own folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Inside node_modules so the generated code resolves @opentelemetry/api like a real service would.
mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
const svc = mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'ampyobs-svc-'));
afterAll(() => rmSync(svc, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  const p = path.join(svc, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

describe('a service spec importing the base registry', () => {
  const runtime = path
    .relative(path.join(svc, 'src', 'telemetry'), path.join(ROOT, 'runtime', 'index.js'))
    .split(path.sep)
    .join('/');
  write(
    'telemetry/ampyobs.yaml',
    `registry: { name: ampy-strategy, version: 0.1.0, brief: Strategy service. }\nimports: [ampyobs]\ncodegen: { runtime_import: ${runtime} }\n`,
  );
  write(
    'telemetry/strategy.yaml',
    `attributes:
  - id: strategy
    type: enum
    brief: Trading strategy.
    members:
      - { value: momentum, brief: Momentum. }
      - { value: mean_reversion, brief: Mean reversion. }
metrics:
  - name: ampy.strategy.orders
    instrument: counter
    unit: "{order}"
    brief: Orders a strategy sent.
    labels: [{ ref: strategy }, { ref: broker }]
events:
  - name: strategy.rebalance
    level: info
    brief: A strategy rebalanced.
    fields: [{ ref: strategy, requirement: required }, { ref: universe_id }]
`,
  );

  it('generates base and own helpers into its folder, and they compile', async () => {
    const errors: string[] = [];
    const code = await runCli(
      ['generate', '--spec', path.join(svc, 'telemetry'), '--out', path.join(svc, 'src', 'telemetry')],
      { out: () => {}, err: (s) => errors.push(s) },
    );
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    write(
      'src/app.ts',
      `import { log, metrics } from './telemetry/index.js';
metrics.strategy.orders.add(1, { strategy: 'momentum', broker: 'alpaca' });
metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
log.strategyRebalance({ strategy: 'mean_reversion' }, 'Rebalanced');
`,
    );
    write(
      'tsconfig.json',
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/' },
        include: ['src/**/*.ts'],
        exclude: [],
      }),
    );
    // The service's own enum is enforced like the base ones: one misuse, one compile error, on its line.
    write(
      'src/misuse.ts',
      `import { metrics } from './telemetry/index.js';\nmetrics.strategy.orders.add(1, { strategy: 'momentumm', broker: 'alpaca' });\n`,
    );
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const run = spawnSync(tsc, ['-p', path.join(svc, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8' });
    const lines = run.stdout.split('\n').filter((l) => / error TS\d+:/.test(l));
    expect(lines, run.stdout).toHaveLength(1);
    expect(lines[0]).toMatch(
      /src\/misuse\.ts\(2,\d+\): error TS2820: Type '"momentumm"' is not assignable to type '.*'\. Did you mean '"momentum"'\?/,
    );
    expect(run.status).not.toBe(0);
  });

  it('cannot redefine a base attribute: unique-id points at both places', async () => {
    write('telemetry/clash.yaml', 'attributes:\n  - id: broker\n    type: string\n    brief: Mine.\n');
    const errors: string[] = [];
    expect(
      await runCli(['check', '--spec', path.join(svc, 'telemetry'), '--out', path.join(svc, 'src', 'telemetry')], {
        out: () => {},
        err: (s) => errors.push(s),
      }),
    ).toBe(1);
    const clash = errors.find((e) => e.includes('clash.yaml:2:5 error unique-id'));
    expect(clash).toMatch(/attribute 'broker' is already defined at .*spec\/attributes\/oms\.yaml:\d+:\d+/);
    rmSync(path.join(svc, 'telemetry', 'clash.yaml'));
  });
});
