// Where quick fixes come from: src/core/fixes decides which rewrites are safe for a finding and
// writes their edits (and the "ignore on this line" comment); this only passes the editor's
// indentation along.
import { fixesFor } from '../core/fixes';
import type { FixSource } from './codeActions';

export const fixesForFinding: FixSource = (finding, text, indentUnit) => fixesFor(finding, text, indentUnit ? { indentUnit } : {});
