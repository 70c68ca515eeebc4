// Alert descriptions: the few Prometheus template actions a spec may use, the literal text around
// them, and the two ways they are written out (as a Go template for the rule, expanded for its test).
import { templateText } from '../escape/go-template.js';
import { own } from '../own.js';
import { humanize, humanizePercentage } from './rule-sim.js';

/** One piece of an alert template. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'value'; readonly format: 'humanize' | 'humanizePercentage' }
  /** An action the spec may not use; the validator reports it, so it never reaches an emitter. */
  | { readonly kind: 'unsupported'; readonly inner: string };

export type Template = readonly TemplatePart[];

/** A template of literal text only. */
export function literal(text: string): Template {
  return [{ kind: 'text', text }];
}

/**
 * Splits spec text into actions (`{{ $labels.x }}`, `{{ $value | humanize }}`,
 * `{{ $value | humanizePercentage }}`) and literal text. Braces that do not form an action are text.
 */
export function parseTemplate(s: string): Template {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of s.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    if (m.index > last) parts.push({ kind: 'text', text: s.slice(last, m.index) });
    const inner = m[1] ?? '';
    const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner)?.[1];
    const format = /^\$value\s*\|\s*(humanize|humanizePercentage)$/.exec(inner)?.[1] as
      'humanize' | 'humanizePercentage' | undefined;
    parts.push(
      label !== undefined
        ? { kind: 'label', label }
        : format
          ? { kind: 'value', format }
          : { kind: 'unsupported', inner },
    );
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push({ kind: 'text', text: s.slice(last) });
  return parts;
}

/** The template as Prometheus reads it: actions as written, literal text escaped so it stays literal. */
export function prometheusTemplate(t: Template): string {
  return t
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return templateText(p.text);
        case 'label':
          return `{{ $labels.${p.label} }}`;
        case 'value':
          return `{{ $value | ${p.format} }}`;
        case 'unsupported':
          throw new Error(`template action {{ ${p.inner} }} reached an emitter`);
      }
    })
    .join('');
}

/** What Prometheus shows for the template, given the alert's labels and value. */
export function expandTemplate(t: Template, labels: Readonly<Record<string, string>>, value: number): string {
  return t
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'label':
          return own(labels, p.label) ?? '';
        case 'value':
          return p.format === 'humanize' ? humanize(value) : humanizePercentage(value);
        case 'unsupported':
          throw new Error(`template action {{ ${p.inner} }} reached an emitter`);
      }
    })
    .join('');
}
