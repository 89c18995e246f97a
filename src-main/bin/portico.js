#!/usr/bin/env node
// The npm bin. In a checkout Node 24 runs the TypeScript sources (type stripping); installed from
// the package, under node_modules, where Node strips no types, it runs the bundle `npm pack`
// built into out/agent (scripts/build-agent.ts).
await import(import.meta.url.includes('/node_modules/') ? '../../out/agent/portico.js' : '../cli/main.ts');
