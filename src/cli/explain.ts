// PLACEHOLDER: replaced by the real `pagecost explain` implementation.
import type { Subcommand } from './io';

export const explain: Subcommand = async (_argv, io) => {
  io.stderr('pagecost explain: not available in this build yet\n');
  return 2;
};
