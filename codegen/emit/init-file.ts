import { LINEAR_CHECK } from '../../conventions/index.js';
import { tsDoc, tsLiteral } from '../escape/ts.js';
import type { Model } from '../model.js';
import { sloDefinition } from '../prometheus/slo.js';
import type { SpecDefaults } from '../../runtime/config.js';
import { newProject, render } from './ts-common.js';

/**
 * The spec's sampling and redaction defaults and its SLOs, as init() takes them (what generated/init.ts
 * holds; the log schema comes from generated/log-schema.ts).
 */
export function specDefaults(model: Model): SpecDefaults {
  return {
    ...(model.sampling && {
      sampling: { sampler: model.sampling.sampler, ratio: model.sampling.ratio, perEnv: model.sampling.perEnv },
    }),
    ...(model.redaction && {
      redaction: {
        replacement: model.redaction.replacement,
        keyPatterns: model.redaction.keyPatterns,
        valuePatterns: model.redaction.valuePatterns.map((p) => ({ id: p.id, regex: p.regex })),
        // Generate checked every value pattern for super-linear backtracking: init need not check them again.
        linearChecked: LINEAR_CHECK,
      },
    }),
    ...(model.slos.length > 0 && { slos: model.slos.map(sloDefinition) }),
  };
}

/** generated/init.ts: init() bound to this spec's sampling and redaction defaults. */
export function emitInit(model: Model): string {
  const sf = newProject().createSourceFile('init.ts');
  sf.addImportDeclaration({
    moduleSpecifier: model.runtimeImport,
    namedImports: ['init as initRuntime', 'type InitOptions', 'type Observability', 'type SpecDefaults'],
  });
  sf.addImportDeclaration({ moduleSpecifier: './log-schema.js', namedImports: ['logSchema'] });
  // The two settings init() needs, written here: importing registry.ts for them would load the whole registry.
  const defaults = specDefaults(model);
  sf.addStatements((w) => {
    w.newLine().writeLine(
      "/** The spec's sampling and redaction defaults and its SLOs, as init() hands them to the runtime. */",
    );
    w.writeLine(`const specDefaults: SpecDefaults = ${tsLiteral(defaults)};`);
  });
  sf.addFunction({
    isExported: true,
    name: 'init',
    parameters: [{ name: 'options', type: 'InitOptions', initializer: '{}' }],
    returnType: 'Observability',
    docs: [
      {
        description: [
          `Starts observability for this process with the defaults of spec '${tsDoc(model.registry.name)}' ${tsDoc(model.registry.version)}:`,
          `${
            model.sampling
              ? `sampler \`${model.sampling.sampler}\` at ratio ${model.sampling.ratio} (${Object.entries(
                  model.sampling.perEnv,
                )
                  .map(([k, v]) => `${tsDoc(k)} ${v}`)
                  .join(', ')})`
              : 'no sampling defaults'
          }, and`,
          `${model.redaction ? `${model.redaction.keyPatterns.length} redaction key patterns and ${model.redaction.valuePatterns.length} value patterns` : 'the built-in redaction key patterns'}.`,
          `${model.slos.length} SLOs evaluated in process and the log schema, for the observability surface (\`obs.handler()\`, OBS_PROM_PORT).`,
          'OBS_* variables override options, which override OTEL_* variables. Call once, early; `await obs.shutdown()` before exit.',
          '',
          '@example',
          '```ts',
          "const obs = init({ serviceName: 'ampy-oms', serviceVersion: '2.3.1' });",
          "process.on('SIGTERM', () => void obs.shutdown());",
          '```',
        ].join('\n'),
      },
    ],
    statements: 'return initRuntime(options, { ...specDefaults, logSchema });',
  });
  return render(sf, model, import.meta.url);
}
