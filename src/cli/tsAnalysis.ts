// Entry of dist/ts-analysis.js: the TS/JS analysis with ts-morph and the TypeScript compiler
// inside (~12 MB). Nothing imports it; hosts `require` the bundle at run time through
// tsLoader.ts when they first meet a TS/JS file, so C-only scans and activation never load it.
export { analyzeTsFile } from '../core/analysis/ts/index';
