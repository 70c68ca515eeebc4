// The SemVer classification of registry changes, written once: every change `ampyobs diff` reports names
// a rule of this table, which says how much it breaks and why. The README's "Registry lifecycle" section
// lists the table, and test/tools/diff.slow.test.ts has a case for every rule.

/** How much a change breaks what depends on the registry. */
export type Level = 'breaking' | 'compatible' | 'cosmetic';

/** What a change is about. */
export type SubjectKind = 'metric' | 'span' | 'event' | 'attribute' | 'alert' | 'slo';

export interface ChangeRule {
  readonly level: Level;
  /** The kinds of subject it applies to. */
  readonly subjects: readonly SubjectKind[];
  /** Why it has its level: what a dashboard, an alert, a query or a service sees. */
  readonly why: string;
}

const SIGNALS = ['metric', 'span', 'event'] as const;
const DEFINED = ['metric', 'span', 'event', 'attribute'] as const;
const ALL = ['metric', 'span', 'event', 'attribute', 'alert', 'slo'] as const;

/** Every kind of change, in the order the README lists them. */
export const CHANGE_RULES = {
  added: { level: 'compatible', subjects: ALL, why: 'Nothing that exists reads it yet.' },
  removed: {
    level: 'breaking',
    subjects: ALL,
    why: 'Whatever reads it finds nothing: dashboards, alerts and queries over its data, Alertmanager routes and silences on its name, and code calling its helper, which no longer compiles.',
  },
  renamed: {
    level: 'compatible',
    subjects: ['metric'],
    why: 'Its old helper records under the new name, and generated recording rules keep the old series until the declared day: move dashboards and alerts to the new name before then.',
  },
  deprecated: {
    level: 'compatible',
    subjects: DEFINED,
    why: 'It keeps working; the deprecation announces a later removal.',
  },
  'stability-raised': {
    level: 'compatible',
    subjects: DEFINED,
    why: 'A stronger promise; nothing changes on the wire.',
  },
  'stability-lowered': {
    level: 'breaking',
    subjects: DEFINED,
    why: 'Consumers lose the promise that it changes only with a major version.',
  },
  doc: {
    level: 'cosmetic',
    subjects: ALL,
    why: 'Text only (brief, note, examples, summary, description, runbook): nothing on the wire changes.',
  },
  instrument: {
    level: 'breaking',
    subjects: ['metric'],
    why: 'The exposed series and the PromQL that applies to them change (rate over a counter, the _bucket series of a histogram).',
  },
  unit: {
    level: 'breaking',
    subjects: ['metric'],
    why: 'Its values change scale: thresholds, panels and recorded series over it read wrong.',
  },
  'bucket-removed': {
    level: 'breaking',
    subjects: ['metric'],
    why: 'Series with that le are no longer exposed: queries selecting it find nothing, and quantiles and SLOs that read it change.',
  },
  'bucket-added': { level: 'compatible', subjects: ['metric'], why: 'A new le series; the existing ones go on.' },
  budget: {
    level: 'cosmetic',
    subjects: ['metric'],
    why: 'The series budget is checked when generating; nothing on the wire changes.',
  },
  'span-kind': {
    level: 'breaking',
    subjects: ['span'],
    why: 'Span metrics, the service graph and client/server pairing read the kind.',
  },
  sampling: {
    level: 'compatible',
    subjects: ['span'],
    why: 'Which spans are kept changes; their names and attributes do not.',
  },
  links: {
    level: 'compatible',
    subjects: ['span'],
    why: 'Links add or drop causal edges; the span itself is unchanged.',
  },
  'event-level': {
    level: 'breaking',
    subjects: ['event'],
    why: 'Log queries and alerts that select by level see the event move in or out.',
  },
  'part-added-required': {
    level: 'breaking',
    subjects: SIGNALS,
    why: "Code calling the helper must now pass it, a compile error until it does; a metric's series split further.",
  },
  'part-added': {
    level: 'compatible',
    subjects: SIGNALS,
    why: 'It is optional: existing calls and queries keep working.',
  },
  'part-removed': {
    level: 'breaking',
    subjects: SIGNALS,
    why: 'Queries that filter or group by it find nothing to match, and code that passes it no longer compiles.',
  },
  'part-renamed': {
    level: 'breaking',
    subjects: SIGNALS,
    why: 'Queries by the old name find nothing, and code must use the new one.',
  },
  'part-required': { level: 'breaking', subjects: SIGNALS, why: 'Code calling the helper must now pass it.' },
  'part-optional': {
    level: 'compatible',
    subjects: SIGNALS,
    why: 'Code may leave it out; queries that group by it may see it empty.',
  },
  'part-attribute': {
    level: 'breaking',
    subjects: SIGNALS,
    why: "Its values now follow another attribute's type and members.",
  },
  type: {
    level: 'breaking',
    subjects: ['attribute'],
    why: 'Values change type: code passing the old type no longer compiles, and queries comparing values read wrong.',
  },
  'member-added': {
    level: 'compatible',
    subjects: ['attribute'],
    why: 'A new value: queries and alerts on the others are unaffected.',
  },
  'member-removed': {
    level: 'breaking',
    subjects: ['attribute'],
    why: 'Queries and alerts that match it find nothing new, and code that passes it no longer compiles.',
  },
  'member-deprecated': {
    level: 'compatible',
    subjects: ['attribute'],
    why: 'It keeps working; the deprecation announces a later removal.',
  },
  redacted: {
    level: 'breaking',
    subjects: ['attribute'],
    why: 'Its values are now redacted or fingerprinted before they leave the process: queries on the plain values find nothing.',
  },
  unredacted: { level: 'compatible', subjects: ['attribute'], why: 'Its values now leave the process as they are.' },
  'high-cardinality': {
    level: 'compatible',
    subjects: ['attribute'],
    why: 'Only what may label a metric changes, and generation checks that.',
  },
  'cardinality-lowered': {
    level: 'breaking',
    subjects: ['attribute'],
    why: 'Metric label values past the new bound are recorded as _other.',
  },
  'cardinality-raised': {
    level: 'compatible',
    subjects: ['attribute'],
    why: 'More distinct values are kept; none that was kept is lost.',
  },
  routing: {
    level: 'breaking',
    subjects: ['alert'],
    why: 'Alertmanager routes, inhibitions and silences match on its severity and labels.',
  },
  grouping: {
    level: 'breaking',
    subjects: ['alert', 'slo'],
    why: 'The labels of its alerts and recorded series change: routes, silences and panels by them break.',
  },
  tuning: {
    level: 'compatible',
    subjects: ['alert', 'slo'],
    why: 'When it fires changes (expression, threshold, window, for, objective); its name and labels stay.',
  },
} as const satisfies Record<string, ChangeRule>;

/** A kind of change. */
export type ChangeId = keyof typeof CHANGE_RULES;

/** The version bump each level needs from a 1.x registry on; a 0.x registry moves one place right. */
export const BUMP_FOR: Readonly<Record<Level, 'major' | 'minor' | 'none'>> = {
  breaking: 'major',
  compatible: 'minor',
  cosmetic: 'none',
};
