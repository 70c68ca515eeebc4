// A service started with plain node, outside npm, is named after its own package.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-pkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the service package', () => {
  it('names the resource of a service started with plain node, outside npm', () => {
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'acme-strategy', version: '0.4.2' }));
    writeFileSync(path.join(dir, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      path.join(dir, 'dist', 'main.mjs'),
      `import { resolveConfig } from ${JSON.stringify(path.join(ROOT, 'runtime', 'config.ts'))};\nconst r = resolveConfig({ logDestination: { write: () => true } }).resource;\nprocess.stdout.write(JSON.stringify([r['service.name'], r['service.version']]));\n`,
    );
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(npm_|OBS_|OTEL_)/.test(k)),
    ) as NodeJS.ProcessEnv;
    const out = execFileSync(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), path.join(dir, 'dist', 'main.mjs')],
      {
        cwd: '/',
        env,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual(['acme-strategy', '0.4.2']);
  });
});
