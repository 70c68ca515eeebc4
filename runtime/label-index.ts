import type { Attributes } from '@opentelemetry/api';
import { OVERFLOW_VALUE } from '../conventions/index.js';
import { invalidInput } from './hooks.js';
import type { MetricDescriptor } from './types.js';

/** Largest declared bound of a bounded string label that still gets preallocated slots on the fast path. */
const MAX_DENSE_VALUES = 10_000;
/**
 * Most label sets preallocated for one metric: a histogram's arrays hold a slot per label set and bucket,
 * so a metric with several wide labels takes the SDK path instead of megabytes of empty slots.
 */
const MAX_DENSE_SLOTS = 8192;

interface Label {
  readonly name: string;
  /** Values by index: an enum's members, or a bounded string's values in the order they first came. */
  readonly values: string[];
  /** The index of every value seen, under the value as given (a number too) and as text. */
  readonly indices: Map<unknown, number>;
  /** How many values the label may take (members, or the declared bound); undefined for any string. */
  readonly capacity: number | undefined;
  /** Whether values not seen before get an index while there is room (a bounded string) or overflow (an enum). */
  readonly grows: boolean;
  /** Whether every point carries it: left out, it is recorded as the overflow value. */
  readonly required: boolean;
}

/**
 * How one metric's labels from a call are held to the spec, for both metric paths: a value outside an
 * enum's members, a bounded string past its declared number of values, or a required label left out
 * (labels null, undefined or not an object included) becomes OVERFLOW_VALUE; keys that are not labels
 * of the metric are dropped; each repair is counted as `invalid_label`. Typed callers always pass. The
 * SDK path asks for the attributes of a call; the fast path asks for the dense slot of its label set
 * (every label bounded), and for the attributes of a slot at collection time.
 */
export class LabelIndex {
  private readonly labels: readonly Label[];
  /** Whether every label has a small known number of values, so label sets can be numbered densely. */
  readonly dense: boolean = false;
  /** How many label sets there are (with overflow and absence as values) when dense. */
  readonly size: number;
  private readonly strides: readonly number[];
  private readonly slotAttributes: (Attributes | undefined)[] = [];

  /**
   * `countMissing`: whether a required label left out is counted; false for what auto-instrumentation
   * records, which leaves one out for a reason (no route matched), not by mistake.
   */
  constructor(
    d: MetricDescriptor,
    private readonly countMissing = true,
  ) {
    this.labels = d.labels.map((l) => {
      // An enum's members decide, even when a bound is declared too.
      const values = l.values ? [...l.values] : [];
      return {
        name: l.name,
        values,
        indices: new Map<unknown, number>(values.map((v, i) => [v, i])),
        capacity: l.values ? values.length : l.maxValues,
        grows: !l.values,
        required: l.required === true,
      };
    });
    this.dense = this.labels.every((l) =>
      l.grows ? l.capacity !== undefined && l.capacity <= MAX_DENSE_VALUES : l.values.length > 0,
    );
    const strides: number[] = [];
    let size = 1;
    if (this.dense)
      for (let i = this.labels.length - 1; i >= 0; i--) {
        strides[i] = size;
        // Each value, the overflow value, and "absent".
        size *= this.labels[i]!.capacity! + 2;
      }
    if (this.dense && size > MAX_DENSE_SLOTS) this.dense = false;
    this.strides = strides;
    this.size = this.dense ? size : 0;
  }

  /** The attributes a call's labels are recorded under (the SDK path). */
  attributes(labels: unknown): Attributes {
    const out: Attributes = {};
    const given = this.given(labels);
    let seen = 0;
    for (const l of this.labels) {
      const v = given?.[l.name];
      if (v === undefined) {
        if (l.required) {
          this.missingRequired();
          out[l.name] = OVERFLOW_VALUE;
        }
        continue;
      }
      seen++;
      if (l.capacity !== undefined) out[l.name] = this.valueAt(l, this.index(l, v));
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[l.name] = String(v);
      else {
        out[l.name] = OVERFLOW_VALUE;
        invalidInput('invalid_label');
      }
    }
    if (given) this.countUnknownKeys(given, seen);
    return out;
  }

  /** The dense slot of a call's label set (the fast path; only when `dense`). Allocates nothing for known values. */
  slot(labels: unknown): number {
    const given = this.given(labels);
    if (!given) return this.absentSlot();
    let slot = 0;
    let seen = 0;
    for (let i = 0; i < this.labels.length; i++) {
      const l = this.labels[i]!;
      const v = given[l.name];
      let idx: number;
      if (v === undefined) idx = this.absentIndex(l);
      else {
        seen++;
        // Known values, the hot path, take one map lookup.
        idx = l.indices.get(v) ?? this.index(l, v);
      }
      slot += idx * this.strides[i]!;
    }
    this.countUnknownKeys(given, seen);
    return slot;
  }

  /** The attributes of a dense slot, made once per slot. */
  slotAttributesOf(slot: number): Attributes {
    let a = this.slotAttributes[slot];
    if (!a) {
      a = {};
      let rest = slot;
      for (let i = 0; i < this.labels.length; i++) {
        const idx = Math.floor(rest / this.strides[i]!);
        rest -= idx * this.strides[i]!;
        const v = this.valueAt(this.labels[i]!, idx);
        if (v !== undefined) a[this.labels[i]!.name] = v;
      }
      this.slotAttributes[slot] = a;
    }
    return a;
  }

  /** The label object, or undefined for none; anything but an object is counted. */
  private given(labels: unknown): Record<string, unknown> | undefined {
    if (labels === undefined || labels === null) return undefined;
    if (typeof labels !== 'object') {
      invalidInput('invalid_label');
      return undefined;
    }
    return labels as Record<string, unknown>;
  }

  /**
   * The index of a value of a label with a capacity: a member or a bounded value seen before; for a
   * bounded string, the next index while there is room; else the overflow index, counted.
   */
  private index(l: Label, v: unknown): number {
    const known = l.indices.get(v);
    if (known !== undefined) return known;
    if (l.grows && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      const text = String(v);
      let i = l.indices.get(text);
      if (i === undefined && l.values.length < l.capacity!) {
        i = l.values.length;
        l.values.push(text);
        l.indices.set(text, i);
      }
      if (i !== undefined) {
        // 42 and '42' are one value; remember the form given so the next call finds it at once.
        l.indices.set(v, i);
        return i;
      }
    }
    invalidInput('invalid_label');
    return l.capacity!;
  }

  /** Counts a required label left out (unless countMissing is off); it is recorded as the overflow value. */
  private missingRequired(): void {
    if (this.countMissing) invalidInput('invalid_label');
  }

  /** The dense index of a label left out: "absent" for an optional one, the overflow index for a required one. */
  private absentIndex(l: Label): number {
    if (!l.required) return l.capacity! + 1;
    this.missingRequired();
    return l.capacity!;
  }

  private valueAt(l: Label, idx: number): string | undefined {
    return idx < l.values.length ? l.values[idx] : idx === l.capacity ? OVERFLOW_VALUE : undefined;
  }

  private absentSlot(): number {
    let slot = 0;
    for (let i = 0; i < this.labels.length; i++) slot += this.absentIndex(this.labels[i]!) * this.strides[i]!;
    return slot;
  }

  /** Keys that are not labels of the metric (symbol, client ids…) are dropped, and counted. */
  private countUnknownKeys(given: Record<string, unknown>, seen: number): void {
    let keys = 0;
    for (const k in given) if (Object.prototype.hasOwnProperty.call(given, k) && given[k] !== undefined) keys++;
    for (let n = keys - seen; n > 0; n--) invalidInput('invalid_label');
  }
}
