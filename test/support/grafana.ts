// A real HTTP server that plays Grafana's side of test/fixtures/grafana/contract.json, statefully:
// folders and dashboards are stored, each save bumps the dashboard's version, request bodies are
// checked against the contract's schemas (a violation is a 400 and is recorded), and every answer is
// checked against the schema of its status before it goes out. No Grafana can run on these machines.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const CONTRACT_FILE = path.resolve(import.meta.dirname, '../fixtures/grafana/contract.json');

interface Response {
  readonly schema?: object;
  readonly example?: unknown;
  readonly examples?: Record<string, unknown>;
}
interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly request?: { readonly schema: object; readonly example: unknown };
  readonly responses: Record<string, Response>;
}
export interface Contract {
  readonly auth: {
    readonly header: string;
    readonly scheme: string;
    readonly unauthorized: { status: number; body: unknown };
  };
  readonly errorSchema: object;
  readonly endpoints: Record<string, Endpoint>;
}

export const CONTRACT = JSON.parse(readFileSync(CONTRACT_FILE, 'utf8')) as Contract;

/** One request the server saw: which endpoint, and the parsed body. */
export interface Seen {
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

interface StoredDashboard {
  data: Record<string, unknown>;
  folderUid: string;
  id: number;
  version: number;
  provisioned: boolean;
}

/** A running Grafana stand-in, serving the recorded contract on 127.0.0.1. */
export class ContractGrafana {
  readonly seen: Seen[] = [];
  /** Requests or answers that broke the contract: a test asserts this stays empty. */
  readonly violations: string[] = [];
  readonly folders: { id: number; uid: string; title: string; version: number }[] = [];
  readonly dashboards = new Map<string, StoredDashboard>();
  private readonly refusals = new Map<string, { status: string; example: string }>();
  private nextId = 1;
  private server: Server | undefined;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly token: string) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const [name, e] of Object.entries(CONTRACT.endpoints)) {
      if (e.request) this.validators.set(`${name} request`, ajv.compile(e.request.schema));
      for (const [status, r] of Object.entries(e.responses))
        this.validators.set(`${name} ${status}`, ajv.compile(r.schema ?? CONTRACT.errorSchema));
    }
  }

  get url(): string {
    const a = this.server?.address();
    if (!a || typeof a === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${a.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Saves of `uid` are refused with the contract's documented error `example` of `status` (e.g. 412 version-mismatch: another writer). */
  refuseSaves(uid: string, status: string, example: string): void {
    this.refusals.set(uid, { status, example });
  }

  /** A dashboard provisioned from files: Grafana refuses to save it through the API. */
  provision(data: Record<string, unknown>): void {
    this.dashboards.set(String(data['uid']), { data, folderUid: '', id: this.nextId++, version: 1, provisioned: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://grafana');
    const route = this.route(req.method ?? '', url.pathname);
    let body: unknown;
    const raw = Buffer.concat(chunks).toString('utf8');
    const auth = req.headers[CONTRACT.auth.header] as string | undefined;
    this.seen.push({
      endpoint: route?.name ?? '(none)',
      method: req.method ?? '',
      path: url.pathname + url.search,
      body: raw ? safeJson(raw) : undefined,
      authorization: auth,
    });
    const send = (status: number, payload: unknown): void => {
      if (route && !this.validators.get(`${route.name} ${status}`)?.(payload))
        this.violations.push(
          `${route.name} answered ${status} outside the contract: ${JSON.stringify(payload).slice(0, 200)}`,
        );
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (!route)
      return void res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Not found' }));
    if (auth !== `${CONTRACT.auth.scheme} ${this.token}`)
      return send(CONTRACT.auth.unauthorized.status, CONTRACT.auth.unauthorized.body);
    if (route.endpoint.request) {
      body = safeJson(raw);
      const validate = this.validators.get(`${route.name} request`)!;
      if (body === undefined || !validate(body)) {
        this.violations.push(
          `${route.name} request outside the contract: ${JSON.stringify(validate.errors ?? 'invalid JSON')}`,
        );
        return send(400, { message: 'bad request data' });
      }
    }
    const [status, payload] = this.answer(route.name, route.params, url, body as Record<string, unknown>);
    send(status, payload);
  }

  private route(
    method: string,
    pathname: string,
  ): { name: string; endpoint: Endpoint; params: Record<string, string> } | undefined {
    for (const [name, endpoint] of Object.entries(CONTRACT.endpoints)) {
      if (endpoint.method !== method) continue;
      const keys: string[] = [];
      const re = new RegExp(`^${endpoint.path.replace(/:(\w+)/g, (_m, k: string) => (keys.push(k), '([^/]+)'))}$`);
      const m = re.exec(pathname);
      if (m)
        return { name, endpoint, params: Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])) };
    }
    return undefined;
  }

  private example(endpoint: string, status: string, key?: string): unknown {
    const r = CONTRACT.endpoints[endpoint]!.responses[status]!;
    return key === undefined ? r.example : r.examples?.[key];
  }

  private answer(
    name: string,
    params: Record<string, string>,
    url: URL,
    body: Record<string, unknown>,
  ): [number, unknown] {
    switch (name) {
      case 'listFolders': {
        const limit = Number(url.searchParams.get('limit') ?? 1000);
        const page = Number(url.searchParams.get('page') ?? 1);
        return [
          200,
          this.folders.slice((page - 1) * limit, page * limit).map(({ id, uid, title }) => ({ id, uid, title })),
        ];
      }
      case 'createFolder': {
        const title = body['title'] as string;
        if (this.folders.some((f) => f.title === title)) return [409, this.example('createFolder', '409')];
        const uid = (body['uid'] as string | undefined) ?? `f${this.nextId}x${title.length}`;
        const folder = { id: this.nextId++, uid, title, version: 1 };
        this.folders.push(folder);
        return [
          200,
          {
            ...folder,
            url: `/dashboards/f/${uid}/${slug(title)}`,
            hasAcl: false,
            canSave: true,
            canEdit: true,
            canAdmin: true,
          },
        ];
      }
      case 'getDashboard': {
        const d = this.dashboards.get(params['uid']!);
        if (!d) return [404, this.example('getDashboard', '404')];
        const title = String(d.data['title']);
        return [
          200,
          {
            dashboard: { ...d.data, id: d.id, uid: params['uid'], version: d.version },
            meta: {
              isStarred: false,
              url: `/d/${params['uid']}/${slug(title)}`,
              folderId: this.folders.find((f) => f.uid === d.folderUid)?.id ?? 0,
              folderUid: d.folderUid,
              slug: slug(title),
            },
          },
        ];
      }
      case 'saveDashboard': {
        const dash = body['dashboard'] as Record<string, unknown>;
        if (!String(dash['title']).trim()) return [400, this.example('saveDashboard', '400', 'empty-name')];
        const uid = (dash['uid'] as string | null | undefined) || `gen${this.nextId}`;
        const refusal = this.refusals.get(uid);
        if (refusal) return [Number(refusal.status), this.example('saveDashboard', refusal.status, refusal.example)];
        const folderUid = (body['folderUid'] as string | undefined) ?? '';
        if (folderUid && !this.folders.some((f) => f.uid === folderUid)) return [400, { message: 'folder not found' }];
        const existing = this.dashboards.get(uid);
        if (existing?.provisioned) return [400, this.example('saveDashboard', '400', 'provisioned')];
        if (existing && body['overwrite'] !== true && dash['version'] !== existing.version)
          return [412, this.example('saveDashboard', '412', 'version-mismatch')];
        const { id: _id, version: _version, ...data } = dash;
        const stored: StoredDashboard = {
          data: { ...data, uid },
          folderUid,
          id: existing?.id ?? this.nextId++,
          version: (existing?.version ?? 0) + 1,
          provisioned: false,
        };
        this.dashboards.set(uid, stored);
        const s = slug(String(dash['title']));
        return [
          200,
          { id: stored.id, uid, url: `/d/${uid}/${s}`, status: 'success', version: stored.version, slug: s },
        ];
      }
    }
    return [404, { message: 'Not found' }];
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
