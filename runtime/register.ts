// `node --import ampyobs/register app.js` (also `tsx --import ampyobs/register app.ts`): registers the
// module-loader hook ESM needs to be instrumented and enables the instrumentations OBS_INSTRUMENT selects
// (default all) before the application loads anything. init() later finds them, hands them its providers,
// and applies its own `instrument` option. Works for CommonJS applications too; it cannot be --require'd
// (it waits for the loader thread with top-level await).
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { enableInstrumentations } from './instrument/index.js';
import { parseInstrumentList, INSTRUMENTATION_NAMES } from './instrument/select.js';
import { instrumentationState } from './instrument/state.js';
import { ConfigError, nonEmpty } from './settings.js';

/** The instrumentations OBS_INSTRUMENT selects; a bad value enables none (init() then throws its ConfigError). */
function selected(): readonly (typeof INSTRUMENTATION_NAMES)[number][] {
  const text = nonEmpty(process.env, 'OBS_INSTRUMENT');
  if (text === undefined) return INSTRUMENTATION_NAMES;
  try {
    return parseInstrumentList(text, 'OBS_INSTRUMENT');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}; nothing is instrumented\n`);
    return [];
  }
}

const names = selected();
// Only the modules an instrumentation names go through the hook ("only hooked modules" mode of
// import-in-the-middle): the others, TypeScript that tsx compiles included, are left alone.
const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
instrumentationState(true);
enableInstrumentations(names, true);
await waitForAllMessagesAcknowledged();
