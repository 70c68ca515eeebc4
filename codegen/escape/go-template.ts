// Spec text inside Prometheus alert templates (annotations and alert labels are Go text/template).

/**
 * Literal text for a Go template: every `{{` (and a trailing `{`, which would join an action written
 * after it) is printed by an action of its own, so the text can neither start an action nor break one.
 */
export function templateText(s: string): string {
  return s.replace(/\{\{+|\{$/g, (run) => `{{ "${run}" }}`);
}
