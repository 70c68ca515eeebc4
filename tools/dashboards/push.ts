// Upserts dashboards into Grafana by uid: GET each one, compare, POST only what differs. The folder is
// found by title (created when missing); without one, dashboards go to Grafana's General folder.
import { GrafanaError, grafanaRequest, type GrafanaOptions } from './grafana.js';

/** One dashboard to push: its uid, its title and the model to store. */
export interface LocalDashboard {
  readonly file: string;
  readonly uid: string;
  readonly title: string;
  readonly model: Readonly<Record<string, unknown>>;
}

export type Outcome = 'created' | 'updated' | 'unchanged' | 'error';

export interface PushResult {
  readonly file: string;
  readonly uid: string;
  readonly title: string;
  readonly outcome: Outcome;
  /** Grafana's URL of the dashboard (created, updated), or the error in words. */
  readonly detail: string;
  readonly version?: number;
}

export interface PushReport {
  readonly folder: string;
  readonly results: readonly PushResult[];
  /** A failure that stopped the run before or between dashboards (unreachable, token refused, folder). */
  readonly fatal?: string;
}

/** Fields Grafana sets itself on every save: they never make a dashboard differ. */
const OWNED_BY_GRAFANA = new Set(['id', 'version']);

const FOLDER_PAGE = 1000;

/** Pushes every dashboard; never throws. */
export async function pushDashboards(
  o: GrafanaOptions,
  dashboards: readonly LocalDashboard[],
  folderTitle: string | undefined,
  message: string,
): Promise<PushReport> {
  let folderUid = '';
  const folder = folderTitle === undefined ? 'General' : `"${folderTitle}"`;
  try {
    if (folderTitle !== undefined) folderUid = await ensureFolder(o, folderTitle);
  } catch (e) {
    return { folder, results: [], fatal: `folder ${folder}: ${(e as Error).message}` };
  }
  const results: PushResult[] = [];
  for (const d of dashboards) {
    try {
      results.push(await pushOne(o, d, folderUid, message));
    } catch (e) {
      const err =
        e instanceof GrafanaError ? e : new GrafanaError(String((e as Error)?.message ?? e), undefined, false);
      results.push({ file: d.file, uid: d.uid, title: d.title, outcome: 'error', detail: err.message });
      if (err.fatal) return { folder, results, fatal: `stopped at ${d.uid}: ${err.message}` };
    }
  }
  return { folder, results };
}

async function pushOne(o: GrafanaOptions, d: LocalDashboard, folderUid: string, message: string): Promise<PushResult> {
  const existing = await getDashboard(o, d.uid);
  const model = withoutOwned(d.model);
  if (
    existing &&
    existing.folderUid === folderUid &&
    canonical(withoutOwned(existing.dashboard)) === canonical(model)
  ) {
    return {
      file: d.file,
      uid: d.uid,
      title: d.title,
      outcome: 'unchanged',
      detail: existing.url,
      ...(existing.version !== undefined && { version: existing.version }),
    };
  }
  // Our own GET decided create or update, so the save overwrites whatever another writer left behind.
  const saved = (await grafanaRequest(o, 'POST', '/api/dashboards/db', {
    dashboard: { ...model, id: null, uid: d.uid },
    ...(folderUid && { folderUid }),
    overwrite: true,
    message,
  })) as { url?: unknown; version?: unknown; status?: unknown };
  if (saved?.status !== undefined && saved.status !== 'success')
    throw new GrafanaError(
      `POST /api/dashboards/db: Grafana answered status ${JSON.stringify(saved.status)}`,
      200,
      false,
    );
  return {
    file: d.file,
    uid: d.uid,
    title: d.title,
    outcome: existing ? 'updated' : 'created',
    detail: typeof saved?.url === 'string' ? saved.url : '',
    ...(typeof saved?.version === 'number' && { version: saved.version }),
  };
}

interface Remote {
  readonly dashboard: Record<string, unknown>;
  readonly folderUid: string;
  readonly url: string;
  readonly version: number | undefined;
}

async function getDashboard(o: GrafanaOptions, uid: string): Promise<Remote | undefined> {
  let body;
  try {
    body = (await grafanaRequest(o, 'GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`)) as {
      dashboard?: unknown;
      meta?: { folderUid?: unknown; url?: unknown };
    };
  } catch (e) {
    if (e instanceof GrafanaError && e.status === 404 && !e.fatal) return undefined;
    throw e;
  }
  if (typeof body?.dashboard !== 'object' || body.dashboard === null)
    throw new GrafanaError(`GET /api/dashboards/uid/${uid}: the answer has no dashboard object`, 200, false);
  const dashboard = body.dashboard as Record<string, unknown>;
  return {
    dashboard,
    // The General folder has the empty uid (older Grafana leaves it out).
    folderUid: typeof body.meta?.folderUid === 'string' ? body.meta.folderUid : '',
    url: typeof body.meta?.url === 'string' ? body.meta.url : '',
    version: typeof dashboard['version'] === 'number' ? dashboard['version'] : undefined,
  };
}

/** The uid of the top-level folder titled `title`, created when there is none. */
async function ensureFolder(o: GrafanaOptions, title: string): Promise<string> {
  for (let page = 1; ; page++) {
    const list = await grafanaRequest(o, 'GET', `/api/folders?limit=${FOLDER_PAGE}&page=${page}`);
    if (!Array.isArray(list))
      throw new GrafanaError('GET /api/folders: the answer is not a list of folders', 200, true);
    const hit = (list as { uid?: unknown; title?: unknown }[]).find(
      (f) => f?.title === title && typeof f.uid === 'string',
    );
    if (hit) return hit.uid as string;
    if (list.length < FOLDER_PAGE) break;
  }
  const created = (await grafanaRequest(o, 'POST', '/api/folders', { title })) as { uid?: unknown };
  if (typeof created?.uid !== 'string' || !created.uid)
    throw new GrafanaError('POST /api/folders: the answer has no folder uid', 200, true);
  return created.uid;
}

function withoutOwned(d: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(d).filter(([k]) => !OWNED_BY_GRAFANA.has(k)));
}

/** JSON with object keys sorted, so that key order (which Grafana does not keep) never counts as a change. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}
