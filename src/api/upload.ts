// A request body that must go to several engines (image load, import): spooled to a temporary file once,
// then streamed from it to each engine.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Spooled {
  size: number;
  open(): Readable;
  dispose(): Promise<void>;
}

export async function spool(source: IncomingMessage | Readable): Promise<Spooled> {
  const dir = await mkdtemp(join(tmpdir(), 'shoal-upload-'));
  const file = join(dir, 'body');
  try {
    await pipeline(source, createWriteStream(file));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { size } = await stat(file);
  return {
    size,
    open: () => createReadStream(file),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
