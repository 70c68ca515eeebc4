// With no name configured, a service is named after its own package.json, started through npm or not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { servicePackage } from '../../runtime/service-package.js';

const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-pkg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A project folder with `files` (relative path → content). */
function project(files: Record<string, string>): string {
  const dir = path.join(root, String(n++));
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), content);
  }
  return dir;
}

describe('the service package', () => {
  it('is the nearest package.json with a name above the entry script', () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'acme-oms', version: '2.3.1' }),
      // A build folder's package.json that only sets the module type is passed over.
      'dist/package.json': JSON.stringify({ type: 'module' }),
      'dist/main.js': '',
    });
    expect(servicePackage(path.join(dir, 'dist', 'main.js'), '/')).toEqual({ name: 'acme-oms', version: '2.3.1' });
  });

  it("is found from the working directory when the entry script is a tool's in node_modules", () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'acme-risk' }),
      'node_modules/pm2/package.json': JSON.stringify({ name: 'pm2', version: '6.0.0' }),
      'node_modules/pm2/bin/pm2': '',
    });
    expect(servicePackage(path.join(dir, 'node_modules', 'pm2', 'bin', 'pm2'), dir)).toEqual({ name: 'acme-risk' });
    expect(servicePackage(undefined, dir)).toEqual({ name: 'acme-risk' });
  });

  it('passes over a package.json that is malformed, too large or holds no usable name, and is empty when none has one', () => {
    const top = project({
      'package.json': JSON.stringify({ name: 'acme-top', version: '1.0.0' }),
      'a/package.json': '{ "name": "acme-a", ',
      'a/b/package.json': JSON.stringify({ name: 'x'.repeat(40), pad: ' '.repeat(1024 * 1024) }),
      'a/b/c/package.json': JSON.stringify({ name: 42, version: ['1'] }),
      'a/b/c/main.js': '',
    });
    expect(servicePackage(path.join(top, 'a', 'b', 'c', 'main.js'), '/')).toEqual({
      name: 'acme-top',
      version: '1.0.0',
    });
    // Nothing above the system's temporary folder names a package.
    const bare = project({ 'main.js': '' });
    expect(servicePackage(path.join(bare, 'main.js'), bare)).toEqual({});
  });
});
