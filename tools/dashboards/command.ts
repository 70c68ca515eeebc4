// `ampyobs dashboards push --url URL --token-env VAR [--folder NAME] [--var NAME=VALUE]… [--dashboards DIR] [--timeout S]`
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../codegen/package-root.js';
import { options, seconds, ToolError, type Io } from '../common.js';
import { pushDashboards, type LocalDashboard, type PushReport } from './push.js';
import { applyVars, parseVar, type VarSetting } from './vars.js';

export const DASHBOARDS_USAGE = `Usage: ampyobs dashboards push --url URL --token-env VAR [--folder NAME] [--var NAME=VALUE]…
                               [--dashboards DIR] [--timeout S]
  Creates or updates the generated Grafana dashboards (every *.json in --dashboards, default
  ./generated/dashboards, else the ones shipped in the package) in the Grafana at --url through its
  HTTP API, by uid: a dashboard equal to Grafana's copy is left alone. The service account token is
  read from the environment variable named by --token-env. --folder puts them in the top-level
  folder of that title (created when missing), else in General. --var NAME=VALUE sets the default
  value of template variable NAME (e.g. --var datasource=<data source uid>). --timeout bounds each
  request (default 30 s). Exit 1 when any dashboard was not pushed.`;

/** Runs `ampyobs dashboards <subcommand>`; returns the exit code. */
export async function runDashboards(argv: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    io.out(DASHBOARDS_USAGE);
    return 0;
  }
  if (sub !== 'push')
    throw new ToolError(
      `${sub === undefined ? 'a subcommand is needed' : `unknown subcommand '${sub}'`}\n${DASHBOARDS_USAGE}`,
      2,
    );
  const o = options(
    rest,
    {
      url: { type: 'string' },
      'token-env': { type: 'string' },
      folder: { type: 'string' },
      var: { type: 'string', multiple: true },
      dashboards: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    DASHBOARDS_USAGE,
    'dashboards push',
  );
  if (o.help) {
    io.out(DASHBOARDS_USAGE);
    return 0;
  }
  const url = grafanaUrl(o.url);
  const token = tokenFrom(o['token-env']);
  const folder = o.folder?.trim();
  if (o.folder !== undefined && !folder) throw new ToolError(`--folder must name a folder\n${DASHBOARDS_USAGE}`, 2);
  const timeoutMs = 1000 * (o.timeout === undefined ? 30 : seconds('timeout', o.timeout, DASHBOARDS_USAGE));
  const vars = (o.var ?? []).map((s): VarSetting => {
    const v = parseVar(s);
    if (!v)
      throw new ToolError(
        `--var must be NAME=VALUE with NAME a template variable name, not '${s}'\n${DASHBOARDS_USAGE}`,
        2,
      );
    return v;
  });
  const dir =
    o.dashboards ??
    (existsSync(path.join('generated', 'dashboards'))
      ? path.join('generated', 'dashboards')
      : path.join(packageRoot(), 'generated', 'dashboards'));
  const dashboards = readDashboards(dir, vars);
  io.err(
    `ampyobs dashboards push: ${dashboards.length} dashboard(s) from ${dir} to ${url.href} (folder ${folder === undefined ? 'General' : `"${folder}"`})`,
  );
  const report = await pushDashboards(
    { url, token, timeoutMs },
    dashboards,
    folder,
    `ampyobs dashboards push from ${path.basename(path.resolve(dir))}`,
  );
  return printReport(report, dashboards.length, io);
}

function grafanaUrl(value: string | undefined): URL {
  if (value === undefined)
    throw new ToolError(`--url is required (Grafana's root URL, e.g. http://localhost:3000)\n${DASHBOARDS_USAGE}`, 2);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ToolError(
      `--url must be an http(s) URL such as http://localhost:3000, not '${value}'\n${DASHBOARDS_USAGE}`,
      2,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ToolError(`--url must be an http(s) URL, not '${value}'`, 2);
  if (u.username || u.password)
    throw new ToolError(
      '--url must not carry credentials: put the token in the environment variable named by --token-env',
      2,
    );
  if (u.search || u.hash)
    throw new ToolError(`--url must be Grafana's root URL, without a query or fragment, not '${value}'`, 2);
  return u;
}

/** The token, from the environment only: argv is visible to every user of the machine. */
function tokenFrom(name: string | undefined): string {
  if (name === undefined)
    throw new ToolError(
      `--token-env is required: the name of the environment variable holding a Grafana service account token\n${DASHBOARDS_USAGE}`,
      2,
    );
  // What was given might be the token itself: it is named in messages only when it reads as a variable name.
  const shown = /^[A-Z_][A-Z0-9_]{0,63}$/.test(name) ? name : '(name not shown)';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new ToolError(
      '--token-env takes the name of an environment variable holding the token (e.g. GRAFANA_TOKEN), never the token itself',
      2,
    );
  const token = process.env[name]?.trim();
  if (!token)
    throw new ToolError(
      `environment variable ${shown} (--token-env) is not set or empty; --token-env takes the name of an environment variable holding the token (e.g. GRAFANA_TOKEN), never the token itself`,
      2,
    );
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new ToolError(
      `environment variable ${shown} (--token-env) holds characters a token cannot have (spaces, control or non-ASCII characters)`,
      2,
    );
  return token;
}

/** Every dashboard JSON of `dir`, in file name order, with the --var values applied. */
function readDashboards(dir: string, vars: readonly VarSetting[]): LocalDashboard[] {
  let files: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (e) {
    throw new ToolError(
      `cannot read dashboards from ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory (run `npx ampyobs generate` first, or give --dashboards)' : (e as Error).message}`,
    );
  }
  if (!files.length) throw new ToolError(`no *.json dashboards in ${dir}`);
  const declared = new Set<string>();
  const uids = new Map<string, string>();
  const out = files.map((f): LocalDashboard => {
    const file = path.join(dir, f);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (e) {
      throw new ToolError(`${file}: not a dashboard: ${(e as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new ToolError(`${file}: not a dashboard (a JSON object)`);
    const d = json as Record<string, unknown>;
    const uid = d['uid'];
    if (typeof uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(uid))
      throw new ToolError(
        `${file}: the dashboard needs a uid of 1 to 40 letters, digits, '-' or '_' (pushing is by uid), not ${JSON.stringify(uid) ?? 'none'}`,
      );
    if (uids.has(uid)) throw new ToolError(`${file}: uid ${uid} is also the uid of ${uids.get(uid)}`);
    uids.set(uid, file);
    const title = typeof d['title'] === 'string' && d['title'].trim() ? d['title'] : undefined;
    if (!title) throw new ToolError(`${file}: the dashboard has no title (Grafana refuses it)`);
    const applied = applyVars(d, vars);
    applied.declared.forEach((n) => declared.add(n));
    return { file, uid, title, model: applied.model };
  });
  const unknown = vars.filter((v) => !declared.has(v.name)).map((v) => v.name);
  if (unknown.length)
    throw new ToolError(
      `--var ${unknown.join(', ')}: no dashboard in ${dir} has such a template variable (they have: ${[...declared].sort().join(', ') || 'none'})`,
      2,
    );
  return out;
}

function printReport(report: PushReport, total: number, io: Io): number {
  for (const r of report.results) {
    const line = `${r.outcome.padEnd(9)} ${r.uid}  ${r.title}${r.detail ? `  ${r.outcome === 'error' ? '' : '→ '}${r.detail}` : ''}${r.version !== undefined && r.outcome !== 'error' ? ` (version ${r.version})` : ''}`;
    (r.outcome === 'error' ? io.err : io.out)(line);
  }
  const count = (x: string): number => report.results.filter((r) => r.outcome === x).length;
  const notTried = total - report.results.length;
  const errors = count('error') + notTried;
  if (report.fatal) io.err(`ampyobs dashboards push: ${report.fatal}`);
  io.out(
    `ampyobs dashboards push: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${errors} error(s)${notTried ? ` (${notTried} not tried)` : ''} in folder ${report.folder}`,
  );
  return errors > 0 || report.fatal ? 1 : 0;
}
