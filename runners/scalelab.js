#!/usr/bin/env node
// The `scalelab` bin: Node 20 cannot run TypeScript itself, so tsx's loader is registered before the CLI loads.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
