import { first, option, parseBool, variable, type Env } from '../settings.js';

/** Whether the fast path keeps exemplars: OBS_EXEMPLARS over the `exemplars` option, default on. */
export function resolveExemplars(option_: boolean | undefined, env: Env): boolean {
  return first([variable(env, 'OBS_EXEMPLARS', parseBool), option('exemplars', option_)], {
    value: true,
    setting: 'default',
  }).value;
}
