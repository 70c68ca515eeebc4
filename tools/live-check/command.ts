import type { Io } from '../common.js';
export function runLiveCheck(_a: readonly string[], _io: Io): number { return 1; }
