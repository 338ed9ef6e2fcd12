// Node adapter for the "this-machine" profile: gives the pure readers in src/core/model a file
// reader and the runtime's CPU count and architecture. Missing files read as null, never throw.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { readMachineFacts, resolveProfile, type MachineEnv, type MachineReading, type Profile } from '../core/model';

/** Reads a file's text, or null when it is missing or unreadable. */
export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function machineEnv(): MachineEnv {
  return { cpus: availableParallelism(), arch: process.arch };
}

export function readThisMachine(): MachineReading {
  return readMachineFacts(readTextOrNull, machineEnv());
}

/**
 * Whether the environment asks to accept calibration files from another machine or model
 * version: PAGECOST_FORCE_PROFILE=1 does for commands without a --force flag of their own.
 */
export function forceFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.PAGECOST_FORCE_PROFILE;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * A profile by built-in name or by file path (relative to `cwd`). A calibration file made on
 * another machine or for another model version is refused (ModelInputError saying why) unless
 * `force` or PAGECOST_FORCE_PROFILE is set; then it loads with a warning.
 */
export function loadProfileFromCli(nameOrPath: string, cwd: string, opts: { force?: boolean } = {}): Profile {
  const read = (p: string): string | null => readTextOrNull(p.startsWith('/') ? p : resolve(cwd, p));
  return resolveProfile(nameOrPath, read, machineEnv(), { force: opts.force === true || forceFromEnv() });
}
