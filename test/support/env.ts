// Runs code with environment variables set, restoring the previous values afterwards.
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T | Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Every variable the runtime reads, cleared so a test starts from the documented defaults. */
export const CLEAN_ENV: Record<string, undefined> = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => k.startsWith('OBS_') || k.startsWith('OTEL_'))
    .map((k) => [k, undefined]),
);
