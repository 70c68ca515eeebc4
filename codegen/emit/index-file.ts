import type { Model } from '../model.js';
import { header } from './ts-common.js';

/** generated/index.ts: one import for everything generated. */
export function emitIndex(model: Model, modules: readonly string[]): string {
  return `${header(model, import.meta.url)}\n\n${modules.map((m) => `export * from './${m}.js';`).join('\n')}\n`;
}
