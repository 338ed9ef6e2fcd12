// Where quick fixes come from. src/core/fixes (fixesFor) and the suppression comments of
// src/core/advice are being written; until they land this offers none, and the provider,
// its registration and the tests are ready for them.
import type { FixSource } from './codeActions';

export const fixesForFinding: FixSource = () => [];
