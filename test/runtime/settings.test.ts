// One setting read through its precedence chain: the first layer that is set wins, lower layers are not
// even parsed, and a bad value is refused naming the layer that supplied it.
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../runtime/config.js';
import { first, option, parseBool, variable } from '../../runtime/settings.js';

describe('first', () => {
  it('answers the highest layer that is set, with its name', () => {
    const env = { OBS_X: '  obs  ', OTEL_X: 'otel' };
    expect(first([variable(env, 'OBS_X'), option('x', 'code'), variable(env, 'OTEL_X')])).toEqual({
      value: 'obs',
      setting: 'OBS_X',
    });
    expect(first([variable({ OBS_X: ' ' }, 'OBS_X'), option('x', 'code')])).toEqual({ value: 'code', setting: 'x' });
    expect(first([variable({}, 'OBS_X'), option<string>('x', undefined), variable(env, 'OTEL_X')])).toEqual({
      value: 'otel',
      setting: 'OTEL_X',
    });
    expect(first([variable({}, 'OBS_X')])).toBeUndefined();
    expect(first([variable({}, 'OBS_X')], { value: 'd', setting: 'default' })).toEqual({
      value: 'd',
      setting: 'default',
    });
    // false and 0 are set values, not gaps.
    expect(first([option('flag', false), option('other', true)])).toEqual({ value: false, setting: 'flag' });
  });

  it('parses only the layer it answers, and names it when its value is bad', () => {
    const env = { OBS_FLAG: 'yes', OTEL_FLAG: 'perhaps' };
    expect(first([variable(env, 'OBS_FLAG', parseBool), variable(env, 'OTEL_FLAG', parseBool)])?.value).toBe(true);
    const e = (() => {
      try {
        first([variable({ OTEL_FLAG: 'perhaps' }, 'OBS_FLAG', parseBool), variable(env, 'OTEL_FLAG', parseBool)]);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toMatchObject({
      setting: 'OTEL_FLAG',
      message: "ampyobs: OTEL_FLAG: 'perhaps' is not a boolean (use true or false)",
    });
  });
});

describe('resolveConfig names the setting that supplied a bad value', () => {
  const settingOf = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (e) {
      if (e instanceof ConfigError) return e.setting;
      throw e;
    }
    return undefined;
  };

  it('an empty endpoint in code is otlp.endpoint, not the default', () => {
    expect(settingOf(() => resolveConfig({ otlp: { endpoint: '' } }, {}))).toBe('otlp.endpoint');
  });

  it("a sampler from the spec's defaults is the spec's, not sampler.type", () => {
    const spec = { sampling: { sampler: 'sometimes' as never, ratio: 1, perEnv: {} } };
    expect(settingOf(() => resolveConfig({}, {}, spec))).toBe('sampling.sampler of the spec');
    expect(settingOf(() => resolveConfig({ sampler: { type: 'sometimes' as never } }, {}, spec))).toBe('sampler.type');
  });

  it('an OTEL_TRACES_SAMPLER that only an object prototype has is refused', () => {
    expect(settingOf(() => resolveConfig({}, { OTEL_TRACES_SAMPLER: 'toString' }))).toBe('OTEL_TRACES_SAMPLER');
  });

  it('a lower layer with a bad value does not matter while a higher one is set', () => {
    expect(resolveConfig({}, { OBS_OTLP_INSECURE: 'true', OTEL_EXPORTER_OTLP_INSECURE: 'perhaps' }).otlp.insecure).toBe(
      true,
    );
    expect(resolveConfig({}, { OBS_SAMPLER_RATIO: '0.5', OTEL_TRACES_SAMPLER_ARG: 'half' }).sampler.ratio).toBe(0.5);
  });
});
