// The binding's package.json "exports" carries no types, so TypeScript under NodeNext cannot see them.
// Its own declarations are reached through the type-only alias `node-jsonnet-types` (tsconfig paths);
// the runtime import stays the real package, which a `paths` entry on its own name would redirect
// to the .d.ts when tsx runs the sources.
declare module '@hanazuki/node-jsonnet' {
  export { Jsonnet, JsonnetError } from 'node-jsonnet-types';
}
