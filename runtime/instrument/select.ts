// Which libraries to instrument: OBS_INSTRUMENT, then init()'s `instrument` option, then the default
// (every library under `node --import ampyobs/register`, none otherwise). Read by config.ts and by the
// register entry, which runs before any option exists.
import { INSTRUMENTATIONS, type InstrumentationName } from '../../conventions/index.js';
import { ConfigError, first, option, variable, type Env } from '../settings.js';
import { preloaded } from './state.js';

/** What init()'s `instrument` option takes: names, or every one, or none. */
export type InstrumentOption = readonly (InstrumentationName | 'fetch' | 'https')[] | 'all' | 'none';

/** Every library ampyobs instruments, in the order the README lists them. */
export const INSTRUMENTATION_NAMES = Object.keys(INSTRUMENTATIONS) as InstrumentationName[];

/** Other names of an instrumentation: fetch is undici's, https is covered by http's. */
const ALIASES: Readonly<Record<string, InstrumentationName>> = { fetch: 'undici', https: 'http' };

/** One name, alias or not, as the instrumentation it selects; a ConfigError listing the names for anything else. */
function nameOf(raw: unknown, setting: string): InstrumentationName {
  const name = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
  if (typeof name === 'string' && Object.hasOwn(INSTRUMENTATIONS, name)) return name as InstrumentationName;
  if (typeof name === 'string' && Object.hasOwn(ALIASES, name)) return ALIASES[name]!;
  throw new ConfigError(
    setting,
    `'${String(raw)}' is not an instrumentation; accepted: all, none, ${INSTRUMENTATION_NAMES.join(', ')} (fetch is undici, https is http)`,
  );
}

/** `http,pg,…`, `all` or `none` (also the option's array form): the instrumentations selected, each once. */
export function parseInstrumentList(value: InstrumentOption | string, setting: string): InstrumentationName[] {
  if (typeof value === 'string') {
    const words = value
      .split(',')
      .map((w) => w.trim())
      .filter((w) => w !== '');
    if (words.length === 1 && words[0]!.toLowerCase() === 'all') return [...INSTRUMENTATION_NAMES];
    if (words.length === 1 && words[0]!.toLowerCase() === 'none') return [];
    if (words.some((w) => /^(all|none)$/i.test(w)))
      throw new ConfigError(setting, `'${value}' mixes all or none with names; write all, none, or a list of names`);
    return parseInstrumentList(words as InstrumentOption, setting);
  }
  if (!Array.isArray(value))
    throw new ConfigError(setting, `is not 'all', 'none' or a list of names (${INSTRUMENTATION_NAMES.join(', ')})`);
  const names = new Set<InstrumentationName>();
  for (const raw of value as readonly unknown[]) names.add(nameOf(raw, setting));
  return INSTRUMENTATION_NAMES.filter((n) => names.has(n));
}

/** The instrumentations to run and the setting that chose them. */
export function resolveInstrument(
  given: InstrumentOption | undefined,
  env: Env,
): { names: InstrumentationName[]; setting: string } {
  const registered = preloaded() !== undefined;
  const chosen = first(
    [
      variable(env, 'OBS_INSTRUMENT', (text, setting) => parseInstrumentList(text, setting)),
      option('instrument', given === undefined ? undefined : parseInstrumentList(given, 'instrument')),
    ],
    registered
      ? { value: [...INSTRUMENTATION_NAMES], setting: 'default under node --import ampyobs/register' }
      : { value: [], setting: 'default' },
  );
  return { names: chosen.value, setting: chosen.setting };
}
