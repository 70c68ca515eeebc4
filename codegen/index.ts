// Public API of the codegen, for services that drive it from their own scripts.
export { formatDiagnostic, hasErrors, SpecError, type Diagnostic } from './diagnostics.js';
export { RULES, SPEC_RULES, type RuleId, type RuleInfo, type SpecRule, type Stage } from './diagnostic-rules.js';
export { renderFiles, type FileSet } from './generate.js';
export type { OutputTarget } from './command.js';
export type { Model } from './model.js';
export { readSpec, type SpecResult } from './pipeline.js';
export { diffOutput, writeOutput, type Drift } from './write.js';
export { runCli } from './cli.js';
