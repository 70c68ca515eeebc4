import type { Diagnostic } from '../diagnostics.js';
import { locator } from '../load.js';
import type { MergedSpec } from '../merge.js';
import type { Model } from '../model.js';
import { superLinear } from '../../runtime/redos.js';

const at = locator('codegen/validate/policy.ts');

/** Sampling and redaction: environment names exist, patterns compile, cannot match everything, run in linear time. */
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
      if (re.test(''))
        diags.push(at(where, 'bad-regex', `pattern '${p.id}' matches the empty string and would redact everything`));
      // Every string that leaves a service is scanned with it: it must run in linear time on any input.
      // The analysis of a super-linear pattern can take several seconds on a busy machine: give it a
      // minute before calling the pattern undecidable.
      else {
        const why = superLinear(p.regex, 'auto', 60_000);
        if (why) diags.push(at(where, 'redos', `pattern '${p.id}' ${why}`));
      }
    });
  }
}
