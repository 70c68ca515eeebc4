import type { Diagnostic } from '../diagnostics.js';
import { locator, type SourceRef } from '../load.js';
import type { MergedSpec } from '../merge.js';
import type { Model } from '../model.js';
import { superLinear } from '../../runtime/redos.js';
import { re2ValuePattern } from '../emit/collector-components.js';
import { re2Problem } from './re2-syntax.js';

const at = locator('codegen/validate/policy.ts');

/**
 * Sampling and redaction: environment names exist, patterns compile (in the collector's RE2 too), cannot
 * match everything, run in linear time.
 */
export function checkPolicy(model: Model, merged: MergedSpec, diags: Diagnostic[]): void {
  const sampling = merged.singletons.sampling;
  const envAttr = model.resource.find((r) => r.attr.id === 'deployment.environment')?.attr;
  if (sampling && envAttr?.type === 'enum') {
    const envs = envAttr.members.map((m) => m.value);
    for (const env of Object.keys(sampling.raw.per_env ?? {}))
      if (!envs.includes(env))
        diags.push(
          at(
            { file: sampling.src.file, path: [...sampling.src.path, 'per_env', env] },
            'sampling-env',
            `'${env}' is not a deployment.environment (${envs.join(', ')})`,
            true,
          ),
        );
  }
  const redaction = merged.singletons.redaction;
  if (redaction) {
    redaction.raw.value_patterns.forEach((p, i) => {
      const where = { file: redaction.src.file, path: [...redaction.src.path, 'value_patterns', i, 'regex'] };
      let re: RegExp;
      try {
        re = new RegExp(p.regex, 'g');
      } catch (e) {
        diags.push(
          at(
            where,
            'bad-regex',
            `pattern '${p.id}' is not a valid JavaScript regular expression: ${(e as Error).message}`,
          ),
        );
        return;
      }
      if (re.test('')) {
        diags.push(at(where, 'bad-regex', `pattern '${p.id}' matches the empty string and would redact everything`));
        return;
      }
      if (!collectorReads(p, where, diags)) return;
      // Every string that leaves a service is scanned with it: it must run in linear time on any input.
      // The analysis of a super-linear pattern can take several seconds on a busy machine: give it a
      // minute before calling the pattern undecidable.
      const why = superLinear(p.regex, 'auto', 60_000);
      if (why) diags.push(at(where, 'redos', `pattern '${p.id}' ${why}`));
    });
  }
}

/**
 * Whether the collector can take a value pattern (JavaScript syntax that compiles and matches no empty
 * string) as its redaction processor does: compiled by Go's RE2, without a leading lookbehind.
 */
function collectorReads(p: { id: string; regex: string }, where: SourceRef, diags: Diagnostic[]): boolean {
  const form = re2ValuePattern(p.regex);
  const problem = re2Problem(form);
  if (problem) {
    // The collector's form is the pattern less a prefix: place the construct in the pattern as written.
    const column = p.regex.length - form.length + problem.index + 1;
    diags.push(
      at(
        where,
        'collector-regex',
        `pattern '${p.id}' has ${problem.construct} at character ${column}: ${problem.reason}; the collector compiles value patterns with RE2 (README, "Redaction")`,
      ),
    );
    return false;
  }
  if (form !== p.regex && new RegExp(form, 'g').test('')) {
    diags.push(
      at(
        where,
        'bad-regex',
        `pattern '${p.id}' matches the empty string without its leading lookbehind, which the collector drops, and would redact everything there`,
      ),
    );
    return false;
  }
  return true;
}
