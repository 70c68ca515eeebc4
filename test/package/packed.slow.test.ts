// The package as users get it: `npm pack`, the tarball installed into a fresh project outside this
// repository (its own `npm install` from the registry, at this repository's locked versions, with no
// path back to this repository's node_modules), then the README's service workflow through the bin
// npm links: generate, compile, run and scrape, check. Slow (a real install); never skipped.
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, snapshot } from '../support/files.js';
import { ContractGrafana } from '../support/grafana.js';
import { freePort } from '../support/ports.js';
import { until } from '../support/prometheus.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const BINDING = '@hanazuki/node-jsonnet';
const work = mkdtempSync(path.join(realpathSync(tmpdir()), 'ampyobs-packed-'));
const svc = path.join(work, 'svc');
const tarball = path.join(work, `${pkg.name}-${pkg.version}.tgz`);
const GENERATE = 'npx ampyobs generate --spec telemetry --out src/telemetry';
const INSTALL = 300_000;
const INSTALLING = { timeout: INSTALL - 10_000 };
// Tests that run the CLI several times: each run loads ts-morph, and the CI machine is shared.
const CLI_RUNS = 180_000;

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A user's shell: none of the variables `npm test` adds for this repository (its package, its prefix,
 * its node_modules/.bin directories on PATH), so nothing resolves back into this checkout.
 */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(npm_(package|lifecycle)_|npm_config_(local_prefix|call)$|npm_command$|INIT_CWD$|NODE_OPTIONS$|NODE_PATH$|VITEST|OBS_|OTEL_)/.test(
          k,
        ),
    ),
  ),
  PATH: (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .filter((p) => !(path.resolve(p) + path.sep).startsWith(ROOT + path.sep) && !/node_modules[\\/]\.bin$/.test(p))
    .join(path.delimiter),
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; killed after `timeout` ms (before the test's own timeout) so none outlives the test. */
function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const options = {
      cwd: opts.cwd ?? svc,
      env: opts.env ?? env,
      encoding: 'utf8' as const,
      maxBuffer: 64 << 20,
      timeout: opts.timeout ?? 50_000,
    };
    execFile(cmd, args, options, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ampyobs = (...args: string[]): Promise<Run> => run('npx', ['ampyobs', ...args]);

/** A process of the service, started in its folder with the user's environment; its output accumulates. */
function startService(
  args: readonly string[],
  extra: NodeJS.ProcessEnv,
): { child: ReturnType<typeof spawn>; out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, args, {
    cwd: svc,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out.stderr += b.toString()));
  return { child, out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** A Node.js stack frame, which the CLI must never print whatever happens. */
const STACK_FRAME = /^\s+at \S|node:internal/m;

function write(rel: string, text: string): void {
  const p = path.join(svc, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

// The schema line a service fragment carries: the schema shipped in the installed package.
const SCHEMA = '# yaml-language-server: $schema=../node_modules/ampyobs/codegen/spec.schema.json';

const MANIFEST = `${SCHEMA}
registry: { name: acme-strategy, version: 0.1.0, brief: The strategy service's own telemetry. }
imports: [ampyobs]                 # the base registry shipped in the package
codegen: { runtime_import: ampyobs/runtime }
`;

// A dotted attribute id, as OpenTelemetry names them: spans keep the id, metric labels and log
// fields need a snake_case name given with 'as:'.
const STRATEGY = `${SCHEMA}
attributes:
  - id: strategy.kind
    type: enum
    brief: Kind of trading strategy.
    stability: development
    members:
      - { value: momentum, brief: Follows the trend. }
      - { value: mean_reversion, brief: Bets on a return to the mean. }
metrics:
  - name: ampy.strategy.signals
    instrument: counter
    unit: "{signal}"
    brief: Signals a strategy emitted, by kind and side.
    stability: development
    labels:
      - { ref: strategy.kind, as: strategy_kind }
      - { ref: side }
spans:
  - name: strategy.evaluate
    kind: internal
    brief: One evaluation of a strategy over its universe.
    stability: development
    attributes:
      - { ref: strategy.kind, requirement: required }
      - { ref: run_id, requirement: recommended }
events:
  - name: strategy.signal
    level: info
    brief: A strategy emitted a signal.
    stability: development
    fields:
      - { ref: strategy.kind, as: strategy_kind, requirement: required }
      - { ref: side, requirement: required }
`;

const MAIN = `import { init, log, metrics, spans } from './telemetry/index.js';

const obs = init({ serviceName: 'acme-strategy', serviceVersion: '0.1.0' });
await spans.strategy.evaluate({ 'strategy.kind': 'momentum', run_id: 'run_7' }, async () => {
  metrics.strategy.signals.add(3, { strategy_kind: 'momentum', side: 'buy' });
  log.strategySignal({ strategy_kind: 'momentum', side: 'buy' }, 'Signal emitted');
});
// The base registry's helpers come with the import.
metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
process.stdout.write(\`ready \${obs.prometheusUrl}\\n\`);
// A service runs until it is stopped; the SDK never holds the process open by itself.
const alive = setInterval(() => {}, 60_000);
process.on('SIGTERM', () => void obs.shutdown(2000).then(() => clearInterval(alive)));
`;

// Plain ESM, started with `node --import ampyobs/register`: node:http server and fetch client, and the
// escape hatch (a component logger and an ad-hoc counter).
const WEB = `import { createServer } from 'node:http';
import { counter, init, logger } from 'ampyobs/runtime';

const obs = init({ serviceName: 'acme-web' });
const log = logger('acme.web');
const served = counter('web.served', { unit: '{request}', labels: ['kind'] });
const server = createServer((req, res) => {
  served.add(1, { kind: 'order' });
  log.info('Served', { path_length: req.url.length });
  res.end('ok');
});
server.listen(0, '127.0.0.1', async () => {
  await (await fetch(\`http://127.0.0.1:\${server.address().port}/orders/42\`)).text();
  process.stdout.write(\`ready \${obs.prometheusUrl}\\n\`);
});
process.on('SIGTERM', () => {
  server.close();
  void obs.shutdown(2000);
});
`;

// Compiled, never run: each line must be a compile error, or tsc reports the unused directive.
const WRONG = `import { metrics } from './telemetry/index.js';

export function wrong(): void {
  // @ts-expect-error: 'momentumm' is not a member of strategy.kind
  metrics.strategy.signals.add(1, { strategy_kind: 'momentumm', side: 'buy' });
  // @ts-expect-error: the label is strategy_kind ('as:'), not the attribute id
  metrics.strategy.signals.add(1, { 'strategy.kind': 'momentum', side: 'buy' });
  // @ts-expect-error: symbol is high-cardinality, never a metric label
  metrics.strategy.signals.add(1, { strategy_kind: 'momentum', side: 'buy', symbol: 'AAPL' });
}
`;

// No `types`: TypeScript 6 and later load no @types package a program does not name, and the package's
// declarations name Node's themselves.
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

beforeAll(async () => {
  expect(work.startsWith(ROOT + path.sep)).toBe(false);
  // prepack builds dist/ from the sources first, so the tarball is never an old build.
  const pack = await run('npm', ['pack', '--pack-destination', work], { cwd: ROOT, ...INSTALLING });
  expect(pack.code, pack.stderr).toBe(0);
  expect(existsSync(tarball)).toBe(true);

  mkdirSync(svc);
  write(
    'package.json',
    `${JSON.stringify(
      {
        name: 'acme-strategy',
        version: '0.1.0',
        private: true,
        type: 'module',
        scripts: { 'telemetry:check': 'ampyobs check --spec telemetry --out src/telemetry' },
        dependencies: { ampyobs: `file:../${path.basename(tarball)}` },
        devDependencies: {
          typescript: pkg.devDependencies['typescript'],
          '@types/node': pkg.devDependencies['@types/node'],
        },
      },
      null,
      2,
    )}\n`,
  );
  // This repository's lockfile as the starting point: every package the service needs resolves to the
  // version tested here; npm drops the ones it does not need.
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  const own = JSON.parse(readFileSync(path.join(svc, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packages = {
    '': {
      name: own['name'],
      version: own['version'],
      dependencies: own['dependencies'],
      devDependencies: own['devDependencies'],
    },
  } as Record<string, unknown>;
  for (const [k, v] of Object.entries(lock.packages)) if (k !== '') packages[k] = v;
  write(
    'package-lock.json',
    `${JSON.stringify({ name: own['name'], version: own['version'], lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], INSTALLING);
  expect(install.code, install.stderr).toBe(0);

  write('telemetry/ampyobs.yaml', MANIFEST);
  write('telemetry/strategy.yaml', STRATEGY);
  write('src/main.ts', MAIN);
  write('src/wrong.ts', WRONG);
  write('web.mjs', WEB);
  write('tsconfig.json', `${JSON.stringify(TSCONFIG, null, 2)}\n`);
}, INSTALL);

describe('the packed package installed in a fresh service', () => {
  it('installs light: no jsonnet binding, nothing native compiled', () => {
    const nm = path.join(svc, 'node_modules');
    expect(existsSync(path.join(nm, ...BINDING.split('/')))).toBe(false);
    expect(existsSync(path.join(nm, 'ampyobs', 'dist', 'codegen', 'bin.js'))).toBe(true);
    // No compiled addon, no build folder of node-gyp or cmake-js, nothing that would compile one.
    const native = listTree(nm).filter(({ rel }) =>
      /\.node$|(^|\/)(binding\.gyp|CMakeLists\.txt|CMakeCache\.txt)$/.test(rel),
    );
    expect(native).toEqual([]);
    // No script of ampyobs runs, or is offered to run, at install (npm lists each to the user).
    const installed = JSON.parse(readFileSync(path.join(nm, 'ampyobs', 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    expect(Object.keys(installed.scripts ?? {}).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
  });

  it(
    '`npx ampyobs --help` prints the usage and exits 0, `--version` the version of the package',
    async () => {
      const help = await ampyobs('--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage:\n {2}ampyobs generate /);
      const version = await ampyobs('--version');
      expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
      const bad = await ampyobs('frobnicate');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/unknown command 'frobnicate'/);
      expect(bad.stderr).not.toMatch(STACK_FRAME);
    },
    CLI_RUNS,
  );

  it(
    'generates the service spec with `npx ampyobs generate`, and the service compiles under tsc strict NodeNext',
    async () => {
      // The $schema line of every fragment points at a schema that is there, relative to the fragment.
      const schema = path.resolve(svc, 'telemetry', SCHEMA.split('$schema=')[1]!);
      expect((JSON.parse(readFileSync(schema, 'utf8')) as { $schema?: string }).$schema).toMatch(/json-schema\.org/);

      const gen = await run('npx', GENERATE.split(' ').slice(1));
      expect(gen.stderr).toBe('');
      expect(gen.code).toBe(0);
      expect(gen.stdout).toMatch(/^ampyobs: wrote \d+ files to src\/telemetry\n$/);
      const metricsTs = readFileSync(path.join(svc, 'src', 'telemetry', 'metrics.ts'), 'utf8');
      expect(metricsTs).toContain(
        'Change the spec, then run `npx ampyobs generate --spec <spec dir> --out <this dir>`; `npx ampyobs check` fails while this file is stale.',
      );
      expect(metricsTs).toContain("from 'ampyobs/runtime'");
      expect(existsSync(path.join(svc, 'src', 'telemetry', 'dashboards', 'registry.libsonnet'))).toBe(true);

      const tsc = await run('npx', ['tsc', '-p', '.', '--pretty', 'false']);
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.code).toBe(0);
      expect(existsSync(path.join(svc, 'dist', 'main.js'))).toBe(true);
    },
    CLI_RUNS,
  );

  it('runs: the service serves its own and the base metrics on OBS_PROM_PORT', async () => {
    const port = await freePort();
    const { child, out, exited } = startService(['dist/main.js'], {
      OBS_PROM_PORT: String(port),
      OBS_OTLP_ENDPOINT: `file://${path.join(work, 'telemetry')}`,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (out.stdout.includes('ready ')) resolve();
          else if (child.exitCode !== null) reject(new Error(`service exited ${child.exitCode}: ${out.stderr}`));
        }, 50);
        void exited.then(() => setTimeout(() => clearInterval(t), 100));
      });
      expect(out.stdout).toContain(`ready http://127.0.0.1:${port}/metrics`);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const scope = `otel_scope_name="ampyobs",otel_scope_version="${pkg.version}"`;
      const series = text
        .split('\n')
        .filter((l) => l.startsWith('ampy_strategy_signals_total') || l.startsWith('ampy_oms_rejections_total'));
      expect(series).toEqual([
        `ampy_oms_rejections_total{broker="alpaca",reason="risk_check",${scope}} 1`,
        `ampy_strategy_signals_total{strategy_kind="momentum",side="buy",${scope}} 3`,
      ]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const line = out.stdout.split('\n').find((l) => l.includes('"event":"strategy.signal"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      service: 'acme-strategy',
      strategy_kind: 'momentum',
      side: 'buy',
      message: 'Signal emitted',
    });
    expect(out.stderr).toBe('');
  });

  it('`node --import ampyobs/register` instruments an ESM service: convention metrics and the escape hatch on OBS_PROM_PORT', async () => {
    const port = await freePort();
    const { child, out, exited } = startService(['--import', 'ampyobs/register', 'web.mjs'], {
      OBS_PROM_PORT: String(port),
      OBS_OTLP_ENDPOINT: `file://${path.join(work, 'web-telemetry')}`,
    });
    try {
      const text = await until('the request in /metrics', async () => {
        if (!out.stdout.includes('ready ')) return undefined;
        const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return t.includes('http_client_request_duration_count') ? t : undefined;
      }).catch((e: Error) => {
        throw new Error(
          `${e.message} (service ${child.exitCode === null ? 'running' : `exited ${child.exitCode}`}; stderr: ${out.stderr})`,
        );
      });
      /** The sample of `series` with all these labels (in any order). */
      const sample = (series: string, labels: readonly string[]): string | undefined =>
        text.split('\n').find((l) => l.startsWith(`${series}{`) && labels.every((x) => l.includes(x)));
      // A bare node:http server matches no route: _other, never the raw path.
      expect(
        sample('http_server_request_duration_count', [
          'http_request_method="GET"',
          'http_route="_other"',
          'http_response_status_code="200"',
          'otel_scope_name="@opentelemetry/instrumentation-http"',
        ]),
      ).toBeDefined();
      expect(
        sample('http_client_request_duration_count', [
          'http_request_method="GET"',
          'server_address="127.0.0.1"',
          'http_response_status_code="200"',
          'otel_scope_name="@opentelemetry/instrumentation-undici"',
        ]),
      ).toBeDefined();
      expect(sample('ampy_api_requests_total', ['method="GET"', 'route="_other"', 'status_class="2xx"'])).toMatch(
        / 1$/,
      );
      expect(sample('web_served_total', ['kind="order"', 'otel_scope_name="ampyobs.adhoc"'])).toMatch(/ 1$/);
      expect(sample('ampy_obs_adhoc_signals_total', ['kind="counter"'])).toMatch(/ 1$/);
      expect(sample('ampy_obs_adhoc_signals_total', ['kind="log"'])).toMatch(/ 1$/);
      expect(text).not.toContain('/orders/42');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const served = out.stdout.split('\n').find((l) => l.includes('"message":"Served"'));
    expect(JSON.parse(served ?? '{}')).toMatchObject({
      service: 'acme-web',
      component: 'acme.web',
      path_length: 10,
      adhoc: true,
    });
    expect(out.stderr).toBe('');
  });

  it(
    '`npx ampyobs inspect` follows a trace through the telemetry folder the service wrote',
    async () => {
      const dir = path.join(work, 'telemetry');
      const traces = readdirSync(dir).find((f) => f.startsWith('traces-acme-strategy-'));
      expect(traces, readdirSync(dir).join(', ')).toBeDefined();
      const request = JSON.parse(readFileSync(path.join(dir, traces!), 'utf8').split('\n')[0]!) as {
        resourceSpans: { scopeSpans: { spans: { traceId: string; name: string }[] }[] }[];
      };
      const span = request.resourceSpans
        .flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))
        .find((s) => s.name === 'strategy.evaluate');
      expect(span).toBeDefined();

      const r = await ampyobs('inspect', '--trace-id', span!.traceId, '--dir', dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Trace ${span!.traceId} across acme-strategy`);
      expect(r.stdout).toMatch(/acme-strategy\s+strategy\.evaluate \d+\.\dms/);
      expect(r.stdout).toMatch(/acme-strategy\s+ampy\.strategy\.signals\{strategy_kind="momentum", side="buy"\} 3/);
      // The dashboards shipped in the package show the base registry's metrics the service recorded.
      expect(r.stdout).toMatch(/Dashboard panels that show them\n( {2}.*\n)* {2}AmpyFin \/ Trading Path › Rejections/);

      const missing = await ampyobs('inspect', '--trace-id', span!.traceId, '--dir', 'nowhere');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^ampyobs: no local telemetry in nowhere: pass --dir the folder a service wrote with OBS_OTLP_ENDPOINT=file:\/\/\//,
      );
      expect(missing.stderr).not.toMatch(STACK_FRAME);
      const usage = await ampyobs('inspect', '--dir', dir);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/inspect needs exactly one of --client-order-id or --trace-id/);
    },
    CLI_RUNS,
  );

  it(
    '`ampyobs check` exits 0 when fresh and 1 after a hand edit, through npx, an npm script and node_modules/.bin',
    async () => {
      const ways = {
        npx: () => ampyobs('check', '--spec', 'telemetry', '--out', 'src/telemetry'),
        'npm script': () => run('npm', ['run', '--silent', 'telemetry:check']),
        '.bin': () => run('./node_modules/.bin/ampyobs', ['check', '--spec', 'telemetry', '--out', 'src/telemetry']),
      };
      for (const [way, check] of Object.entries(ways)) {
        const fresh = await check();
        expect(fresh.code, `${way}: ${fresh.stderr}`).toBe(0);
        expect(fresh.stdout, way).toMatch(/ampyobs: spec valid, src\/telemetry up to date \(\d+ files\)/);
      }
      const file = path.join(svc, 'src', 'telemetry', 'metrics.ts');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace("'ampy.strategy.signals'", "'ampy.strategy.signalz'"));
      try {
        for (const [way, check] of Object.entries(ways)) {
          const stale = await check();
          expect(stale.code, way).toBe(1);
          expect(stale.stderr, way).toContain('src/telemetry/metrics.ts: changed');
          expect(stale.stderr, way).toContain(`run \`${GENERATE}\` and commit the result`);
          expect(stale.stderr, way).not.toMatch(STACK_FRAME);
        }
      } finally {
        const regen = await run('npx', GENERATE.split(' ').slice(1));
        expect(regen.code, regen.stderr).toBe(0);
      }
      expect(readFileSync(file, 'utf8')).toBe(original);
    },
    CLI_RUNS,
  );

  it(
    'works from a global install',
    async () => {
      const prefix = path.join(work, 'global');
      const install = await run(
        'npm',
        ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
        INSTALLING,
      );
      expect(install.code, install.stderr).toBe(0);
      const globalEnv = { ...env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${env['PATH'] ?? ''}` };
      const help = await run('ampyobs', ['--help'], { env: globalEnv });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage:/);
      const check = await run('ampyobs', ['check', '--spec', 'telemetry', '--out', 'src/telemetry'], {
        env: globalEnv,
      });
      expect(check.code, check.stderr).toBe(0);
    },
    INSTALL,
  );

  it(
    '`npx ampyobs diff` exits 1 on a breaking change without the bump; emit and live-check run from the package',
    async () => {
      cpSync(path.join(svc, 'telemetry'), path.join(svc, 'telemetry-released'), { recursive: true });
      const file = path.join(svc, 'telemetry', 'strategy.yaml');
      writeFileSync(
        file,
        STRATEGY.replace('      - { value: mean_reversion, brief: Bets on a return to the mean. }\n', ''),
      );
      try {
        const diff = await ampyobs('diff', '--baseline', 'telemetry-released', '--spec', 'telemetry');
        expect(diff.code, diff.stderr).toBe(1);
        expect(diff.stdout).toContain(
          "breaking   attribute strategy.kind: member 'mean_reversion' removed; used by metric ampy.strategy.signals (label strategy_kind), span strategy.evaluate, event strategy.signal (field strategy_kind) [member-removed]",
        );
        expect(diff.stdout).toContain(
          'needs a minor version bump, but 0.1.0 → 0.1.0 is unchanged: set registry.version to 0.2.0 or later',
        );
        expect(diff.stderr + diff.stdout).not.toMatch(STACK_FRAME);
      } finally {
        writeFileSync(file, STRATEGY);
      }
      const emitted = path.join(work, 'emitted');
      const emit = await ampyobs('emit', '--spec', 'telemetry', '--endpoint', `file://${emitted}`, '--duration', '1');
      expect(emit.code, emit.stderr).toBe(0);
      const check = await ampyobs('live-check', '--spec', 'telemetry', '--dir', emitted);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toMatch(
        /ampyobs live-check: 0 error\(s\), 0 warning\(s\), 0 promotion candidate\(s\) in [1-9]\d* metric point\(s\), [1-9]\d* span\(s\), [1-9]\d* log record\(s\)/,
      );
      // A service has no ./spec: without --spec, one line says what to pass.
      const bare = await ampyobs('live-check', '--dir', emitted);
      expect(bare.code).toBe(1);
      expect(bare.stderr.trim()).toBe(
        'ampyobs live-check: no spec directory spec: pass --spec with the folder your telemetry is generated from (the --spec of ampyobs generate)',
      );
    },
    CLI_RUNS,
  );

  it(
    '`npx ampyobs dashboards push` puts the dashboards shipped in the package into Grafana (its recorded API contract)',
    async () => {
      const grafana = await new ContractGrafana('glsa_packed').start();
      try {
        const r = await run(
          'npx',
          [
            'ampyobs',
            'dashboards',
            'push',
            '--url',
            grafana.url,
            '--token-env',
            'GRAFANA_TOKEN',
            '--folder',
            'AmpyFin',
          ],
          { env: { ...env, GRAFANA_TOKEN: 'glsa_packed' } },
        );
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(
          /ampyobs dashboards push: [1-9]\d* created, 0 updated, 0 unchanged, 0 error\(s\) in folder "AmpyFin"/,
        );
        expect(grafana.violations).toEqual([]);
      } finally {
        await grafana.stop();
      }
    },
    CLI_RUNS,
  );

  describe('dashboards need the jsonnet binding, which the service does not have', () => {
    const dashSpec = (dashboards: boolean): string =>
      `registry: { name: acme-strategy, version: 0.1.0 }\nimports: [ampyobs]\ncodegen: { runtime_import: ampyobs/runtime${dashboards ? ', dashboards: ../dashboards' : ''} }\n`;
    const out = path.join(svc, 'src', 'dash');

    it(
      'not installed: a located `dashboard` diagnostic with the install command; the output is untouched',
      async () => {
        write('telemetry-dash/ampyobs.yaml', dashSpec(false));
        write('dashboards/strategy.jsonnet', '{ title: "Strategy" }\n');
        expect((await ampyobs('generate', '--spec', 'telemetry-dash', '--out', 'src/dash')).code).toBe(0);
        const before = snapshot(out);

        write('telemetry-dash/ampyobs.yaml', dashSpec(true));
        for (const command of ['generate', 'check']) {
          const r = await ampyobs(command, '--spec', 'telemetry-dash', '--out', 'src/dash');
          expect(r.code, command).toBe(1);
          const diag = r.stderr.split('\n')[0];
          expect(diag).toMatch(/^telemetry-dash\/ampyobs\.yaml:3:\d+ error dashboard: /);
          expect(diag).toContain(
            `is not installed: run \`npm install --save-dev ${BINDING}@${pkg.peerDependencies[BINDING]}\``,
          );
          expect(r.stderr).toContain('nothing was written');
          expect(r.stderr).not.toMatch(STACK_FRAME);
        }
        expect(snapshot(out)).toEqual(before);
      },
      CLI_RUNS,
    );

    it(
      'installed with --ignore-scripts (no native module): the diagnostic says how to build it',
      async () => {
        const install = await run(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--prefer-offline',
            '--ignore-scripts',
            '--save-dev',
            `${BINDING}@${pkg.peerDependencies[BINDING]}`,
          ],
          INSTALLING,
        );
        expect(install.code, install.stderr).toBe(0);
        expect(existsSync(path.join(svc, 'node_modules', ...BINDING.split('/'), 'package.json'))).toBe(true);
        const before = snapshot(out);
        const r = await ampyobs('generate', '--spec', 'telemetry-dash', '--out', 'src/dash');
        expect(r.code).toBe(1);
        expect(r.stderr.split('\n')[0]).toMatch(
          new RegExp(
            `^telemetry-dash/ampyobs\\.yaml:3:\\d+ error dashboard: .*is installed but did not load .*run \`npm rebuild ${BINDING}\``,
          ),
        );
        expect(r.stderr).not.toMatch(STACK_FRAME);
        expect(snapshot(out)).toEqual(before);
      },
      INSTALL,
    );
  });
});
