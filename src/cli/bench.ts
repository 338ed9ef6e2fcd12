// PLACEHOLDER: replaced by the real `pagecost bench` implementation.
import type { Subcommand } from './io';

export const bench: Subcommand = async (_argv, io) => {
  io.stderr('pagecost bench: not available in this build yet\n');
  return 2;
};
export const calibrate: Subcommand = bench;
