// `ampyobs dashboards push` against test/support/grafana.ts, a real HTTP server serving the Grafana
// API contract recorded from Grafana's documentation (test/fixtures/grafana/contract.json): no
// Grafana runs here. Also the failures a user meets: a refused token, a dead URL, something that is
// not Grafana, an answer too big, no answer.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTool } from '../../tools/index.js';
import { CONTRACT, ContractGrafana } from '../support/grafana.js';
import { CLEAN_ENV } from '../support/env.js';
import { freePort } from '../support/ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GENERATED = path.join(ROOT, 'generated', 'dashboards');
const TOKEN = 'glsa_contract_test_token_0123456789';
const STACK_FRAME = /^\s+at \S|node:internal/m;
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-dashboards-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const files = readdirSync(GENERATED)
  .filter((f) => f.endsWith('.json'))
  .sort();
const local = files.map((f) => JSON.parse(readFileSync(path.join(GENERATED, f), 'utf8')) as Record<string, unknown>);
const uids = local.map((d) => d['uid'] as string);

interface Out {
  code: number | undefined;
  out: string[];
  err: string[];
}

/** Runs the command in process, with the token in GRAFANA_TEST_TOKEN. */
async function push(...args: string[]): Promise<Out> {
  const out: string[] = [];
  const err: string[] = [];
  process.env['GRAFANA_TEST_TOKEN'] = TOKEN;
  try {
    const code = await runTool(['dashboards', 'push', '--token-env', 'GRAFANA_TEST_TOKEN', ...args], {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    });
    return { code, out, err };
  } finally {
    delete process.env['GRAFANA_TEST_TOKEN'];
  }
}

const summary = (r: Out): string => r.out.at(-1) ?? '';
const rows = (r: Out, outcome: string): string[] =>
  [...r.out, ...r.err].filter((l) => l.startsWith(outcome.padEnd(9))).map((l) => l.split(/\s+/)[1]!);
const withoutOwned = (d: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'id' && k !== 'version'));

describe('the recorded contract', () => {
  it("holds the documentation's examples, each valid against its own schema", () => {
    const ajv = new Ajv({ strict: false });
    let checked = 0;
    for (const [name, e] of Object.entries(CONTRACT.endpoints)) {
      if (e.request) {
        expect(ajv.validate(e.request.schema, e.request.example), `${name} request`).toBe(true);
        checked++;
      }
      for (const [status, r] of Object.entries(e.responses)) {
        for (const ex of [r.example, ...Object.values(r.examples ?? {})].filter((x) => x !== undefined)) {
          expect(ajv.validate(r.schema ?? CONTRACT.errorSchema, ex), `${name} ${status}: ${ajv.errorsText()}`).toBe(
            true,
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe('dashboards push', () => {
  let grafana: ContractGrafana;
  beforeEach(async () => {
    grafana = await new ContractGrafana(TOKEN).start();
  });
  afterEach(async () => {
    expect(grafana.violations).toEqual([]);
    await grafana.stop();
  });

  it('creates every dashboard in the folder, then finds them unchanged; a changed one is updated', async () => {
    const first = await push('--url', grafana.url, '--folder', 'AmpyFin', '--dashboards', GENERATED);
    expect(first.code, first.err.join('\n')).toBe(0);
    expect(rows(first, 'created').sort()).toEqual([...uids].sort());
    expect(summary(first)).toBe(
      `ampyobs dashboards push: ${uids.length} created, 0 updated, 0 unchanged, 0 error(s) in folder "AmpyFin"`,
    );
    expect(grafana.folders.map((f) => f.title)).toEqual(['AmpyFin']);
    const folderUid = grafana.folders[0]!.uid;
    for (const d of local) {
      const stored = grafana.dashboards.get(d['uid'] as string)!;
      expect(stored.folderUid).toBe(folderUid);
      expect(stored.version).toBe(1);
      expect(withoutOwned(stored.data)).toEqual(withoutOwned(d));
    }
    expect(grafana.seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const save = grafana.seen.find((s) => s.endpoint === 'saveDashboard')!.body as Record<string, unknown>;
    expect(save).toMatchObject({ folderUid, overwrite: true, message: 'ampyobs dashboards push from dashboards' });
    expect((save['dashboard'] as Record<string, unknown>)['id']).toBeNull();

    grafana.seen.length = 0;
    const second = await push('--url', `${grafana.url}/`, '--folder', 'AmpyFin', '--dashboards', GENERATED);
    expect(second.code).toBe(0);
    expect(rows(second, 'unchanged').sort()).toEqual([...uids].sort());
    expect(summary(second)).toBe(
      `ampyobs dashboards push: 0 created, 0 updated, ${uids.length} unchanged, 0 error(s) in folder "AmpyFin"`,
    );
    expect(grafana.seen.filter((s) => s.method === 'POST')).toEqual([]);
    expect(grafana.folders).toHaveLength(1);

    const changed = path.join(tmp, 'changed');
    cpSync(GENERATED, changed, { recursive: true });
    const file = path.join(changed, files[0]!);
    const edited = { ...local[0]!, description: 'Edited after the first push.' };
    writeFileSync(file, JSON.stringify(edited, null, 2));
    const third = await push('--url', grafana.url, '--folder', 'AmpyFin', '--dashboards', changed);
    expect(third.code).toBe(0);
    expect(rows(third, 'updated')).toEqual([uids[0]]);
    expect(third.out.join('\n')).toContain(`→ /d/${uids[0]}/`);
    expect(third.out.join('\n')).toContain('(version 2)');
    expect(summary(third)).toBe(
      `ampyobs dashboards push: 0 created, 1 updated, ${uids.length - 1} unchanged, 0 error(s) in folder "AmpyFin"`,
    );
    expect(grafana.dashboards.get(uids[0]!)!.data['description']).toBe('Edited after the first push.');

    // Moving to another folder (here General) is an update too.
    const moved = await push('--url', grafana.url, '--dashboards', GENERATED);
    expect(moved.code).toBe(0);
    expect(rows(moved, 'updated').sort()).toEqual([...uids].sort());
    expect([...grafana.dashboards.values()].every((d) => d.folderUid === '')).toBe(true);
  });

  it('--var sets the default value of a template variable; an unknown name is a usage error', async () => {
    const r = await push(
      '--url',
      grafana.url,
      '--dashboards',
      GENERATED,
      '--var',
      'datasource=P1809F7CD0C75ACF3',
      '--var',
      'env=prod',
    );
    expect(r.code, r.err.join('\n')).toBe(0);
    for (const uid of uids) {
      const list = (grafana.dashboards.get(uid)!.data['templating'] as { list: { name: string; current: unknown }[] })
        .list;
      expect(list.find((v) => v.name === 'datasource')!.current).toEqual({
        selected: true,
        text: 'P1809F7CD0C75ACF3',
        value: 'P1809F7CD0C75ACF3',
      });
      // env is a multi-value variable: its value is a list.
      expect(list.find((v) => v.name === 'env')!.current).toEqual({ selected: true, text: 'prod', value: ['prod'] });
    }
    const again = await push(
      '--url',
      grafana.url,
      '--dashboards',
      GENERATED,
      '--var',
      'datasource=P1809F7CD0C75ACF3',
      '--var',
      'env=prod',
    );
    expect(rows(again, 'unchanged')).toHaveLength(uids.length);

    const typo = await push('--url', grafana.url, '--dashboards', GENERATED, '--var', 'datasourse=x');
    expect(typo.code).toBe(2);
    expect(typo.err.join('\n')).toContain('--var datasourse: no dashboard in');
    expect(typo.err.join('\n')).toContain('(they have: datasource, env, service)');
    const malformed = await push('--url', grafana.url, '--dashboards', GENERATED, '--var', 'datasource');
    expect(malformed.code).toBe(2);
    expect(malformed.err[0]).toContain("--var must be NAME=VALUE with NAME a template variable name, not 'datasource'");
  });

  it("reports Grafana's refusal per dashboard, with the HTTP status and Grafana's message, and pushes the others", async () => {
    grafana.refuseSaves(uids[1]!, '412', 'version-mismatch');
    grafana.provision({ uid: uids[2]!, title: 'Provisioned from files' });
    const r = await push('--url', grafana.url, '--dashboards', GENERATED);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `error     ${uids[1]}  ${local[1]!['title']}  POST /api/dashboards/db: HTTP 412 version-mismatch: The dashboard has been changed by someone else`,
    );
    expect(r.err).toContain(
      `error     ${uids[2]}  ${local[2]!['title']}  POST /api/dashboards/db: HTTP 400 Cannot save provisioned dashboard`,
    );
    const others = uids.filter((_, i) => i !== 1 && i !== 2);
    expect(rows(r, 'created').sort()).toEqual([...others].sort());
    expect(summary(r)).toBe(
      `ampyobs dashboards push: ${others.length} created, 0 updated, 0 unchanged, 2 error(s) in folder General`,
    );
  });

  it('a refused token: one line with the status and what to check, and no further requests', async () => {
    process.env['GRAFANA_WRONG'] = 'glsa_wrong';
    try {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runTool(
        [
          'dashboards',
          'push',
          '--url',
          grafana.url,
          '--token-env',
          'GRAFANA_WRONG',
          '--folder',
          'AmpyFin',
          '--dashboards',
          GENERATED,
        ],
        { out: (s) => out.push(s), err: (s) => err.push(s) },
      );
      expect(code).toBe(1);
      expect(err).toContain(
        'ampyobs dashboards push: folder "AmpyFin": GET /api/folders?limit=1000&page=1: HTTP 401 Unauthorized (check the token in --token-env: a service account token of this Grafana)',
      );
      expect(out.at(-1)).toBe(
        `ampyobs dashboards push: 0 created, 0 updated, 0 unchanged, ${uids.length} error(s) (${uids.length} not tried) in folder "AmpyFin"`,
      );
      expect(grafana.seen).toHaveLength(1);
      expect([...out, ...err].join('\n')).not.toContain('glsa_wrong');
    } finally {
      delete process.env['GRAFANA_WRONG'];
    }
    // Without a folder the first dashboard meets the 401, and the run stops there.
    process.env['GRAFANA_WRONG'] = 'glsa_wrong';
    try {
      const err: string[] = [];
      const code = await runTool(
        ['dashboards', 'push', '--url', grafana.url, '--token-env', 'GRAFANA_WRONG', '--dashboards', GENERATED],
        { out: () => undefined, err: (s) => err.push(s) },
      );
      expect(code).toBe(1);
      expect(err.join('\n')).toContain(
        `stopped at ${uids[0]}: GET /api/dashboards/uid/${uids[0]}: HTTP 401 Unauthorized`,
      );
      expect(grafana.seen).toHaveLength(2);
    } finally {
      delete process.env['GRAFANA_WRONG'];
    }
  });

  it('the token comes from the environment only, and is never printed', async () => {
    for (const given of ['glsa_0123456789abcdef', 'glsa-0123456789abcdef', 'AMPYOBS_NO_SUCH_VAR']) {
      const r = await push('--url', grafana.url, '--token-env', given);
      expect(r.code, given).toBe(2);
      expect(r.err[0], given).toContain(
        '--token-env takes the name of an environment variable holding the token (e.g. GRAFANA_TOKEN), never the token itself',
      );
      if (given.startsWith('glsa')) expect(r.err.join('\n')).not.toContain(given);
      else expect(r.err[0]).toContain('environment variable AMPYOBS_NO_SUCH_VAR (--token-env) is not set or empty');
    }
    const creds = await push('--url', grafana.url.replace('http://', 'http://admin:admin@'));
    expect(creds.code).toBe(2);
    expect(creds.err[0]).toContain('--url must not carry credentials');
    expect(grafana.seen).toEqual([]);
  });
});

describe('dashboards push, when the URL is not a working Grafana', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  }
  const oneLine = (r: Out, expected: string | RegExp): void => {
    expect(r.code).toBe(1);
    const fatal = r.err.find((l) => l.startsWith('ampyobs dashboards push: stopped at'))!;
    expect(fatal).toMatch(expected);
    expect([...r.out, ...r.err].join('\n')).not.toMatch(STACK_FRAME);
  };

  it('nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    oneLine(
      await push('--url', url, '--dashboards', GENERATED),
      `GET /api/dashboards/uid/${uids[0]}: cannot connect to 127.0.0.1:`,
    );
    oneLine(await push('--url', url, '--dashboards', GENERATED), /connection refused \(is Grafana running there\?\)$/);
  });

  it('an HTML page (a proxy, or another web server) instead of Grafana', async () => {
    const url = await serve((_req, res) =>
      res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>nginx</body></html>'),
    );
    oneLine(
      await push('--url', url, '--dashboards', GENERATED),
      `GET /api/dashboards/uid/${uids[0]}: HTTP 404 with an HTML page "404 Not Found" instead of Grafana's JSON error: is --url Grafana's root URL?`,
    );
    const ok = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><title>Grafana</title></html>'),
    );
    oneLine(
      await push('--url', ok, '--dashboards', GENERATED),
      /HTTP 200 but the answer is an HTML page "Grafana", not JSON: is --url Grafana's root URL\?$/,
    );
    const login = await serve((_req, res) => res.writeHead(302, { location: '/login' }).end());
    oneLine(
      await push('--url', login, '--dashboards', GENERATED),
      /HTTP 302 redirect to \/login: --url must be Grafana's root URL/,
    );
  });

  it('an endless answer', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const more = (): void => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64 && !res.destroyed) res.once('drain', more);
        else res.end();
      };
      more();
    });
    oneLine(
      await push('--url', url, '--dashboards', GENERATED),
      /HTTP 200 with a body over the 16 MiB a Grafana answer needs: is --url Grafana's root URL\?$/,
    );
  });

  it('no answer within --timeout', async () => {
    const url = await serve(() => undefined);
    oneLine(
      await push('--url', url, '--dashboards', GENERATED, '--timeout', '0.5'),
      /: no answer within 0\.5 s \(--timeout\)$/,
    );
  });
});

describe('dashboards push as a program', () => {
  it('runs through the CLI and exits 0, then 0 again with everything unchanged', async () => {
    const grafana = await new ContractGrafana(TOKEN).start();
    try {
      const cli = (): Promise<{ code: number | null; stdout: string; stderr: string }> =>
        new Promise((resolve) => {
          const env = { ...process.env, ...CLEAN_ENV, GRAFANA_TOKEN: TOKEN } as NodeJS.ProcessEnv;
          const child = spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              path.join(ROOT, 'codegen/bin.ts'),
              'dashboards',
              'push',
              '--url',
              grafana.url,
              '--token-env',
              'GRAFANA_TOKEN',
              '--folder',
              'AmpyFin',
            ],
            { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
          child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
          child.once('exit', (code) => resolve({ code, stdout, stderr }));
        });
      const first = await cli();
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain(
        `ampyobs dashboards push: ${uids.length} dashboard(s) from generated/dashboards to ${grafana.url}/ (folder "AmpyFin")`,
      );
      expect(first.stdout).toContain(`${uids.length} created, 0 updated, 0 unchanged, 0 error(s)`);
      const second = await cli();
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`0 created, 0 updated, ${uids.length} unchanged, 0 error(s)`);
      expect(grafana.violations).toEqual([]);
    } finally {
      await grafana.stop();
    }
  }, 60_000);
});
