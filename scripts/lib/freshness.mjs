// Whether a built file is older than what it is built from (make's rule, by modification time):
// `npm start` repackages the VSIX only then, so a second start skips the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time (ms) under `paths` (files or folders, recursively), and which file. */
export function newest(paths) {
  let best = { mtimeMs: 0, file: null };
  const visit = (p) => {
    let st;
    try { st = statSync(p); } catch { return; }
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) visit(join(p, e));
    } else if (st.mtimeMs > best.mtimeMs) {
      best = { mtimeMs: st.mtimeMs, file: p };
    }
  };
  for (const p of paths) visit(p);
  return best;
}

/** null when `target` exists and is newer than every input; else the reason it must be rebuilt. */
export function staleBecause(target, inputs) {
  if (!existsSync(target)) return `${target} does not exist`;
  const t = statSync(target).mtimeMs;
  const n = newest(inputs);
  return n.mtimeMs > t ? `${n.file} changed after ${target} was built` : null;
}
