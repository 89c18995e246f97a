#!/usr/bin/env node
// The npm bin: Node 24 runs the TypeScript sources directly (type stripping), no build step.
import '../cli.ts';
