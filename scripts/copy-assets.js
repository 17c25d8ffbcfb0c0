// Copies the cluster view's hand-written page (src/view/assets/) beside the built module
// (dist/src/view/assets/), where src/view/assets.ts reads it at run time. Part of `npm run build`.
import { cpSync, rmSync } from 'node:fs';

rmSync('dist/src/view/assets', { recursive: true, force: true });
cpSync('src/view/assets', 'dist/src/view/assets', { recursive: true });
