// `--var NAME=VALUE`: the default value of a dashboard template variable, set before pushing.

/** One `--var` option, parsed. */
export interface VarSetting {
  readonly name: string;
  readonly value: string;
}

/** Parses `NAME=VALUE` (the value may contain `=`); undefined when malformed. */
export function parseVar(s: string): VarSetting | undefined {
  const eq = s.indexOf('=');
  if (eq <= 0) return undefined;
  const name = s.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  return { name, value: s.slice(eq + 1) };
}

interface TemplateVariable {
  name?: unknown;
  multi?: unknown;
  current?: unknown;
  options?: unknown;
}

/**
 * The dashboard with each named template variable's selected value set to VALUE: `current` becomes
 * `{selected, text, value}` (value a one-element list for a multi-value variable), exactly what Grafana
 * stores when someone picks the value and saves the dashboard as its default. The variable itself stays,
 * so viewers can still switch (another data source, another environment). Panels are not touched: they
 * reference `${NAME}` and follow the variable. Returns the names the dashboard declares.
 */
export function applyVars(
  model: Record<string, unknown>,
  vars: readonly VarSetting[],
): { model: Record<string, unknown>; declared: Set<string> } {
  const templating = model['templating'] as { list?: unknown } | undefined;
  const list = Array.isArray(templating?.list) ? (templating.list as TemplateVariable[]) : [];
  const declared = new Set(list.map((v) => v?.name).filter((n): n is string => typeof n === 'string'));
  if (!vars.length || !list.length) return { model, declared };
  const byName = new Map(vars.map((v) => [v.name, v.value]));
  const updated = list.map((v) => {
    const value = typeof v?.name === 'string' ? byName.get(v.name) : undefined;
    if (value === undefined) return v;
    return { ...v, current: { selected: true, text: value, value: v.multi === true ? [value] : value } };
  });
  return { model: { ...model, templating: { ...templating, list: updated } }, declared };
}
