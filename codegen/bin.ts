#!/usr/bin/env node
// The `ampyobs` program. A module of its own that always runs: npm starts a bin through symlinks
// (node_modules/.bin, a global prefix, npx's cache), so a guard comparing this file's URL with
// process.argv[1] never matches there. The CLI is imported dynamically so that even a module that
// fails to load ends as one line on stderr and exit 1, never a stack trace.
try {
  const { runCli } = await import('./cli.js');
  const code = await runCli(process.argv.slice(2));
  if (code !== 'watching') {
    // A finished command ends the process once its output is out: an exporter of `emit` may still be
    // retrying a dead collector, past the deadline emit reported at.
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise((r) => s.write('', r))));
    process.exit(code);
  }
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`ampyobs: internal error: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
