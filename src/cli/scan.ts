// `pagecost scan PATH...`: walk → read/check → wrapper rounds → call sites → advice → report.
// Exit codes (also in `pagecost --help` and the README): 0 done, 1 a finding at or above
// --fail-on, 2 bad command line or config, 3 file problems with --fail-on-file-errors.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Finding, Severity } from '../core/types';
import type { Allocator } from '../core/model/index';
import { adviseSites, type AdviceOptions } from '../core/advice/index';
import { readTextOrNull } from './machine';
import { cliProfile } from './probe';
import { loadRun, matchRuns, type LoadedRun } from '../core/record/observed';
import type { ProjectConfig } from '../core/scan/config';
import { defaultMaxFileSize } from '../core/scan/input';
import type { ScanProgress } from '../core/scan/orchestrate';
import { toJsonReport, toSarifLog, toText, errorsText, summaryText, listedFindings, type ScanStats } from '../core/report/index';
import { countedNoteStats, isCountedNote, relativeTo } from '../core/report/json';
import type { FileNote } from '../core/scan/shard';
import { parseArgs, type FlagSpec } from './args';
import { UsageError, type Subcommand } from './io';
import { scanLanguages, type ScanLanguage } from './walk';
import { grammarFiles, scanJobs } from './pool';
import { pinBackgroundThreads } from './backgroundThreads';
import { loadCLanguage } from '../core/analysis/c/parser';
import { ConfigSyntaxError, loadProjectConfig, scanTree, toSlash } from './scanTree';
import pkg from '../../package.json';

export const scanUsage = `usage: pagecost scan [options] PATH...

Finds realloc/mremap call sites (and wrappers of them) in the C files under each PATH, and
the TS/JS sites (wasm realloc, Memory.grow, ArrayBuffer transfer/resize, copy-grow loops, FFI)
in .ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs files.

options:
  --format text|json|sarif   output format (default text)
  --fail-on warning|error    exit 1 when a finding has this severity or worse
  --fail-on-file-errors      exit 3 when a file could not be scanned (binary, too large,
                             unreadable, broken C) or a config entry was ignored
  --max-file-size SIZE       skip larger files (default 2M; e.g. 512K, 8M)
  --lang c,ts                which languages to scan (default c,ts)
  --max-generated-size SIZE  skip *.min.js bundles larger than this, with a note (default 1M)
  --config FILE              project config (default: PATH/.pagecost.json when it exists)
  --target lp64|ilp32        data model for sizeof (default lp64)
  --page-size BYTES          page size for PAGE_SIZE and friends (default 4096)
  --profile NAME|FILE        machine profile for the cost model: auto (default, or
                             PAGECOST_PROFILE: this machine's kept calibration, else its kept
                             probe, else x86-64), x86-64, x86-64-vm, arm64, this-machine
                             (probed once, ≈2 s), or a file written by pagecost calibrate
  --force                    use a calibrated profile from another machine or model version
  --threads N                threads of the program on other CPUs (TLB shootdowns)
  --allocator A              what realloc does: glibc (default), musl, copying
  --jobs N                   threads that scan (default: two once the tree has more
                             than 256 files, one on machines with two cores; each
                             thread costs memory)
  --no-gitignore             scan files that .gitignore excludes too
  --run FILE|DIR             a run recorded by \`pagecost record\` (or a folder of *.run.json):
                             sites it covers get its sizes, counts and times, and their
                             verdicts and severities from them
  --quiet                    no progress or summary on stderr
  --verbose                  also list the regions tree-sitter could not parse where no call
                             can hide, and non-UTF-8 files that name no resize function
                             (counted in the summary and in stats otherwise), and, in text
                             output, the cost hints of sizes known only at run time (counted
                             in the summary otherwise; JSON and SARIF always hold them)
  -h, --help                 this text
`;

const specs: Record<string, FlagSpec> = {
  format: { type: 'string', choices: ['text', 'json', 'sarif'] },
  'fail-on': { type: 'string', choices: ['warning', 'error', 'info', 'hint'] },
  'fail-on-file-errors': { type: 'boolean' },
  'max-file-size': { type: 'bytes', min: 1 },
  lang: { type: 'string' },
  'max-generated-size': { type: 'bytes', min: 0 },
  config: { type: 'string' },
  target: { type: 'string', choices: ['lp64', 'ilp32'] },
  'page-size': { type: 'bytes', min: 512 },
  profile: { type: 'string' },
  force: { type: 'boolean' },
  allocator: { type: 'string', choices: ['glibc', 'musl', 'copying'] },
  threads: { type: 'int', min: 1 },
  jobs: { type: 'int', min: 1 },
  'no-gitignore': { type: 'boolean' },
  run: { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', alias: 'h' },
};

const severityRank: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/** Exit code for a finished scan; documented in scanUsage and the README. */
export function exitCodeFor(findings: Finding[], fileErrors: number, failOn: Severity | undefined, failOnFileErrors: boolean): number {
  if (failOn && findings.some((f) => severityRank[f.severity] >= severityRank[failOn])) return 1;
  if (failOnFileErrors && fileErrors > 0) return 3;
  return 0;
}

export const scan: Subcommand = async (argv, io) => {
  const { positionals, flags } = parseArgs(argv, specs, 'scan');
  if (flags.get('help')) {
    io.stdout(scanUsage);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('scan: missing PATH (a file or directory to scan)');
  // The grammar loads and warms up (parser.ts) while the config and the profile are read, so the
  // walk rarely waits for it; the pool's shard gets the same language. A failure resurfaces there.
  loadCLanguage(grammarFiles()).catch(() => {});
  const roots = positionals.map((p) => resolve(io.cwd, p));
  for (const [i, root] of roots.entries()) {
    if (!existsSync(root)) throw new UsageError(`scan: no such file or directory: '${positionals[i]}'`);
  }
  const base = roots.length === 1 ? (statSync(roots[0]!).isDirectory() ? roots[0]! : dirname(roots[0]!)) : io.cwd;

  // Config: --config wins; otherwise .pagecost.json at the scan root, when there is one.
  const explicitConfig = flags.has('config') ? resolve(io.cwd, String(flags.get('config'))) : undefined;
  if (explicitConfig && !existsSync(explicitConfig)) throw new UsageError(`scan: config file not found: '${flags.get('config')}'`);
  let config: ProjectConfig;
  const configProblems: { file: string; message: string }[] = [];
  try {
    const loaded = loadProjectConfig(base, explicitConfig);
    config = loaded.config;
    configProblems.push(...loaded.problems);
  } catch (e) {
    if (e instanceof ConfigSyntaxError) {
      io.stderr(`pagecost: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  const format = (flags.get('format') as string | undefined) ?? 'text';
  const quiet = flags.get('quiet') === true;
  const maxFileSize = (flags.get('max-file-size') as number | undefined) ?? config.maxFileSize ?? defaultMaxFileSize;
  const pageSize = (flags.get('page-size') as number | undefined) ?? config.pageSize ?? 4096;
  const target = (flags.get('target') as 'lp64' | 'ilp32' | undefined) ?? config.target ?? 'lp64';
  const languages = flags.has('lang') ? parseLanguages(String(flags.get('lang'))) : undefined;
  const maxGeneratedBytes = flags.get('max-generated-size') as number | undefined;
  const adviceOptions: AdviceOptions = {};
  {
    try {
      // auto by default, as the editor's pagecost.profile: x86-64 unless this machine kept measurements.
      adviceOptions.profile = (await cliProfile(flags.has('profile') ? String(flags.get('profile')) : undefined, io.cwd, { fallback: 'auto', force: flags.has('force'), ...(quiet ? {} : { onStatus: (t: string) => io.stderr(`pagecost: ${t}\n`) }) })).profile;
    } catch (e) {
      throw new UsageError(`scan: --profile: ${(e as Error).message}`);
    }
  }
  if (flags.has('threads')) adviceOptions.threads = flags.get('threads') as number;
  if (flags.has('allocator')) adviceOptions.allocator = flags.get('allocator') as Allocator;
  const started = Date.now();
  const progress = progressReporter(io, quiet, started);

  // PAGECOST_TIMING=1 prints when each phase started, and how long each worker request took.
  const timing = process.env.PAGECOST_TIMING === '1';
  const cpu0 = process.cpuUsage();
  const mark = (what: string) => {
    if (!timing) return;
    // CPU time of the whole process (workers included) tells the work apart from a busy machine's waiting.
    const cpu = process.cpuUsage(cpu0);
    io.stderr(`pagecost: timing: ${what} at ${Date.now() - started} ms (cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms, peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB)\n`);
  };
  // A single file, or --jobs 1, is scanned in-process. Without --jobs, a small tree is too (its
  // workers never start: scanTree's soloFiles); --jobs N spreads any tree over N threads.
  const singleFile = roots.length === 1 && !statSync(roots[0]!).isDirectory();
  const askedJobs = flags.get('jobs') as number | undefined;
  const jobs = askedJobs ?? (singleFile ? 1 : scanJobs());
  // A tree scanned by this thread alone: V8's background threads get one core of two
  // (backgroundThreads.ts). Not for one file (its compiling wants them all), nor with workers,
  // which would inherit a core while the binding is under way.
  const pinned = !singleFile && jobs === 1 ? pinBackgroundThreads() : Promise.resolve(false);
  // PAGECOST_FULL_PARSE=1 parses whole files (to check that partial parsing changes nothing).
  const partialParse = process.env.PAGECOST_FULL_PARSE !== '1';
  let walked;
  let result;
  try {
    ({ walked, result } = await scanTree({
      roots, base, config, jobs, maxFileSize, size: { pageSize, target }, partialParse,
      ...(askedJobs !== undefined ? { soloFiles: 0 } : {}),
      gitignore: flags.get('no-gitignore') !== true,
      ...(languages ? { languages } : {}),
      ...(maxGeneratedBytes !== undefined ? { maxGeneratedBytes } : {}),
      onProgress: (p) => progress.update(p),
      mark,
    }));
  } finally {
    progress.stop();
  }

  const runNotes: FileNote[] = [];
  if (flags.has('run')) {
    const runs = loadRuns(resolve(io.cwd, String(flags.get('run'))), String(flags.get('run')));
    const match = matchRuns(runs.loaded, result.sites, { root: toSlash(base), text: (rel) => readTextOrNull(join(base, rel)) });
    adviceOptions.observed = (site) => match.bySite.get(site);
    runNotes.push(...runs.problems.map((message) => ({ file: String(flags.get('run')), message })));
    for (const st of match.stale) runNotes.push({ file: st.file, message: `record ${st.run}: line ${st.line} not shown: ${st.why}` });
  }
  if (timing && (await pinned)) mark('background threads bound to one core');
  mark('advice');
  const findings = adviseSites(result.sites, adviceOptions);

  const errors = [...configProblems.map((p) => ({ file: p.file, message: `config: ${p.message}` })), ...walked.errors, ...result.errors];
  // Regions that did not parse but cannot hide a call, and non-UTF-8 files naming nothing, are counted; only --verbose lists them.
  const stats: ScanStats = { ...result.stats, ...countedNoteStats(result.notes), ms: Date.now() - started };
  const rootSlash = toSlash(base);
  const shown = flags.get('verbose') === true ? result.notes : result.notes.filter((n) => !isCountedNote(n));
  const notes = [...shown.map((n) => ({ file: relativeTo(rootSlash, n.file), message: n.message })), ...runNotes];
  // Notes (TS/JS declaration files, skipped bundles, the analysis' remarks) are not errors: they
  // never change the exit code. They are added to each format without touching its other fields.
  if (format === 'json') io.stdout(`${JSON.stringify({ ...toJsonReport(findings, errors, stats, rootSlash), notes }, null, 2)}\n`);
  else if (format === 'sarif') {
    const homepage = (pkg as { homepage?: string }).homepage;
    const log = toSarifLog(findings, errors, stats, {
      toolVersion: pkg.version,
      root: rootSlash,
      ...(homepage ? { rulesDocUri: `${homepage.replace(/#.*$/, '')}/blob/main/docs/RULES.md` } : {}),
    });
    addSarifNotes(log, notes);
    io.stdout(`${JSON.stringify(log, null, 2)}\n`);
  } else {
    // Cost hints of sizes known only at run time say the same crossover at every call: counted, listed with --verbose.
    const listed = listedFindings(findings, flags.get('verbose') === true);
    io.stdout(toText(listed, errors, stats, rootSlash));
    if (!quiet) io.stderr(errorsText(errors, rootSlash) + notesText(notes) + summaryText(findings, errors, stats, findings.length - listed.length));
  }
  mark('output written');
  return exitCodeFor(findings, errors.length, flags.get('fail-on') as Severity | undefined, flags.get('fail-on-file-errors') === true);
};

/**
 * `--run FILE` or `--run DIR` (every *.run.json in it). A file that is not a record is a usage
 * error; problems inside a record (bad sites) come back as notes.
 */
function loadRuns(path: string, shown: string): { loaded: LoadedRun[]; problems: string[] } {
  if (!existsSync(path)) throw new UsageError(`scan: --run: no such file or directory: '${shown}'`);
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((n) => n.endsWith('.run.json')).sort().map((n) => join(path, n))
    : [path];
  if (!files.length) throw new UsageError(`scan: --run: no *.run.json in '${shown}' (make one with pagecost record)`);
  const loaded: LoadedRun[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const label = statSync(path).isDirectory() ? join(shown, basename(f)) : shown;
    const text = readTextOrNull(f);
    if (text === null) throw new UsageError(`scan: --run: cannot read '${label}'`);
    const r = loadRun(text, label);
    if (!r.loaded) throw new UsageError(`scan: --run: ${r.problems[0] ?? `'${label}' is not a record`}`);
    loaded.push(r.loaded);
    problems.push(...r.problems);
  }
  return { loaded, problems };
}

/** `--lang c,ts` → the languages, each once; a bad name is a usage error. */
export function parseLanguages(text: string): ScanLanguage[] {
  const names = text.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const out: ScanLanguage[] = [];
  for (const n of names) {
    const lang = n === 'js' ? 'ts' : n;
    if (!(scanLanguages as readonly string[]).includes(lang)) throw new UsageError(`scan: --lang must list c and/or ts (got '${n}')`);
    if (!out.includes(lang as ScanLanguage)) out.push(lang as ScanLanguage);
  }
  if (!out.length) throw new UsageError(`scan: --lang must list c and/or ts (got '${text}')`);
  return out;
}

/** Notes in the same clickable shape as file problems, on stderr with them. */
export function notesText(notes: FileNote[]): string {
  return notes.map((n) => `${n.file}: note: ${n.message}\n`).join('');
}

/** Notes as SARIF tool execution notifications of level "note" (errors are there at level "error"). */
function addSarifNotes(log: ReturnType<typeof toSarifLog>, notes: FileNote[]): void {
  const invocation = log.runs[0]?.invocations?.[0];
  if (!invocation || !notes.length) return;
  invocation.toolExecutionNotifications = [
    ...(invocation.toolExecutionNotifications ?? []),
    ...notes.map((n) => ({
      level: 'note' as const,
      message: { text: `${n.file}: ${n.message}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: n.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' } } }],
    })),
  ];
}

/**
 * Progress on stderr: redrawn in place on a terminal; in CI logs, a plain line every few
 * seconds once the scan has run for 2 s (short scans stay silent).
 */
function progressReporter(io: Parameters<Subcommand>[1], quiet: boolean, started: number) {
  let current: ScanProgress | null = null;
  let drawn = false;
  const draw = () => {
    if (quiet || !current) return;
    const elapsed = Date.now() - started;
    const line = `pagecost: ${current.message} (${(elapsed / 1000).toFixed(1)} s)`;
    if (io.stderrIsTTY) {
      io.stderr(`\r\x1b[K${line}`);
      drawn = true;
    } else if (elapsed >= 2000) io.stderr(`${line}\n`);
  };
  const timer = setInterval(draw, io.stderrIsTTY ? 250 : 3000);
  timer.unref();
  return {
    update: (p: ScanProgress) => {
      current = p;
      if (io.stderrIsTTY) draw();
    },
    stop: () => {
      clearInterval(timer);
      if (drawn) io.stderr('\r\x1b[K');
    },
  };
}
