// What the editor shows for findings, decided here so that every face agrees and tests need no
// editor: which severity a finding gets under the user's rule settings, the inlay hint label
// after a call, and the diagnostic's code and related places. Positions stay 1-based as in
// CallSite; the extension converts them.
import { isJsPrimitive, type CallSite, type Finding, type ObservedFacts, type Severity, type WrapperDef } from '../types';
import { formatBytes, formatNs, jsOpShort, opShort } from '../model';
import type { EditorSettings } from './settings';
import { observedHintLabel } from './observed';

/** The severity a finding is shown with, or null when its rule is turned off. */
export function effectiveSeverity(f: Finding, rules: EditorSettings['rules']): Severity | null {
  const level = rules[f.rule] ?? 'default';
  if (level === 'off') return null;
  return level === 'default' ? f.severity : level;
}

/** Where a rule is explained: the heading anchor GitHub and VS Code's preview give it in RULES.md. */
export function ruleAnchor(rule: string): string {
  return rule.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

export interface Place {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Related places worth a click: the definitions of the wrappers the call goes through. */
export function relatedPlaces(site: CallSite, wrappers: readonly WrapperDef[]): Place[] {
  const out: Place[] = [];
  const chain = site.kind === 'wrapper-call' ? [site.name, ...site.via] : site.via;
  const seen = new Set<string>();
  for (const name of chain) {
    if (seen.has(name)) continue;
    seen.add(name);
    const def = wrappers.find((w) => w.name === name && w.file && w.line !== null && (!w.fileLocal || w.file === site.file));
    if (def) out.push({ file: def.file!, line: def.line!, column: 1, message: `\`${name}\` is defined here: it calls ${def.via.length ? def.via[0] : def.callee}` });
  }
  return out;
}

export type CostBand = 'cheap' | 'moderate' | 'costly';

/**
 * A band for colouring or sorting: by the ratio to the alternative when there is one (the
 * question a hint answers is "is there something cheaper"), else by absolute cost.
 */
export function costBand(f: Finding, warnRatio: number): CostBand {
  const e = f.estimate;
  if (!e) return 'moderate';
  const a = f.alternative;
  if (a && a.ns > 0) {
    const r = e.ns / a.ns;
    return r > warnRatio ? 'costly' : r > 1 ? 'moderate' : 'cheap';
  }
  return e.ns >= 100_000 ? 'costly' : e.ns >= 5_000 ? 'moderate' : 'cheap';
}

export interface HintSpec {
  /** Where the hint goes: after the call's statement or condition (1-based, UTF-16 column). */
  line: number;
  column: number;
  offset: number;
  label: string;
  /** The finding's message, for the hint's tooltip. */
  tooltip: string;
  band: CostBand;
}

/** "mremap wins above 136 KiB" from an unknown-size finding's message; null when it has none. */
export function crossoverLabel(message: string): string | null {
  let m = /(\w+) wins above ([\d.]+ [KMGT]?i?B|[\d.]+ bytes?)/.exec(message);
  if (m) return `${m[1]} wins above ${m[2]}`;
  m = /realloc beats malloc \+ memcpy \+ free above ([\d.]+ [KMGT]?i?B|[\d.]+ bytes?)/.exec(message);
  if (m) return `realloc wins above ${m[1]}`;
  if (/copies like malloc \+ memcpy \+ free at every size/.test(message)) return 'realloc copies at every size';
  m = /(\w+(?: [\w+]+)*?) is cheaper than (\w+) at every size/.exec(message);
  if (m) return `${m[1]} cheaper at every size`;
  m = /realloc beats malloc \+ memcpy \+ free at every size/.exec(message);
  if (m) return 'realloc wins at every size';
  return null;
}

/**
 * The text after a TS/JS primitive call: `≈390 µs · resize() in place 180 µs`, `≈7.7 s to 16 MiB ·
 * doubling 6.1 ms` for constant-step growth, or the scale an unknown size was priced at.
 */
function jsHintLabel(f: Finding): string | null {
  const e = f.estimate;
  if (!e) {
    const m = /For scale: (.+?) costs about ([\d.]+ \S+)/.exec(f.message);
    return m ? `${m[1]}: ≈${m[2]}` : null;
  }
  const a = f.alternative;
  // A step loop's total is for a final size the message names (often an illustration): say it.
  const to = e.op === 'grow-by-step' ? /Growing from .+? to ([\d.]+ [KMGT]?i?B|\d+ bytes?) \(/.exec(f.message)?.[1] : undefined;
  const total = e.op === 'grow-by-step' ? (to ? ` to ${to}` : ' in all') : '';
  return a ? `≈${formatNs(e.ns)}${total} · ${jsOpShort(a.op) ?? a.op} ${formatNs(a.ns)}` : `≈${formatNs(e.ns)}`;
}

/** The sizes a C estimate was made for: `64 KiB`, or `4 KiB → 8 KiB` when an mremap changes the size. */
function sizeWords(site: CallSite): string | null {
  const n = site.newSize?.bytes;
  if (typeof n !== 'number') return null;
  const o = site.oldSize?.bytes;
  return site.callee === 'mremap' && typeof o === 'number' && o !== n ? `${formatBytes(o)} → ${formatBytes(n)}` : formatBytes(site.callee === 'mremap' && typeof o === 'number' ? o : n);
}

/**
 * The text after a call (kept under VS Code's 43-character cut for hints): the size it was
 * priced at and its cost against the alternative
 * (`16 KiB: ≈2.4 µs · memcpy 45 ns`, `1 MiB: ≈6 µs · copy 290 µs`), or the crossover
 * for an unknown size (shown only when pagecost.hints.unknownSizes asks for it).
 */
export function hintLabel(f: Finding): string | null {
  if (isJsPrimitive(f.site.callee)) return jsHintLabel(f);
  const e = f.estimate;
  if (e) {
    const a = f.alternative;
    const size = sizeWords(f.site);
    const at = size ? `${size}: ` : '';
    if (!a) return `${at}≈${formatNs(e.ns)}`;
    const alt = opShort(a.op);
    return alt === 'memcpy' ? `${at}≈${formatNs(e.ns)} · memcpy ${formatNs(a.ns)}` : `${at}≈${formatNs(e.ns)} · copy ${formatNs(a.ns)}`;
  }
  return crossoverLabel(f.message);
}

/**
 * One hint per call site (the finding with an estimate wins over a second finding on the same
 * site, such as linear growth), within [fromLine, toLine] (1-based, inclusive), after the
 * settings' filters. A hint shows a number the user can act on: what a recorded run observed
 * there (`Finding.observed`), the cost at a size the code states, or a loop's total; a site whose size is
 * unknown shows nothing unless `hints.unknownSizes` asks for the crossover (its hover explains
 * it anyway). Hints go after the call's statement or condition (`CallSite.hintAfter`); calls
 * sharing one place get one hint, each part named by its call.
 */
export function hintsFor(
  findings: readonly Finding[],
  settings: Pick<EditorSettings, 'hints' | 'rules' | 'warnRatio'>,
  fromLine = 1,
  toLine = Infinity,
): HintSpec[] {
  if (!settings.hints.enabled) return [];
  const bySite = new Map<number, Finding>();
  const seenAt = new Map<number, ObservedFacts>();
  for (const f of findings) {
    if (f.observed) seenAt.set(f.site.range.endOffset, f.observed);
    if (f.site.kind === 'reference') continue;
    if (effectiveSeverity(f, settings.rules) === null) continue;
    const end = (f.site.hintAfter ?? f.site.range).end;
    if (end.line < fromLine || end.line > toLine) continue;
    const prev = bySite.get(f.site.range.endOffset);
    if (!prev || (!prev.estimate && f.estimate) || (prev.rule === 'realloc-linear-growth' && f.rule !== prev.rule)) bySite.set(f.site.range.endOffset, f);
  }
  const parts = new Map<number, { f: Finding; label: string }[]>();
  for (const f of bySite.values()) {
    const seen = seenAt.get(f.site.range.endOffset);
    let label: string | null;
    // A recorded run's numbers first (src/core/present/observed.ts); a run that no longer
    // matches the line says so instead of showing them.
    if (f.observed) label = observedHintLabel(f.observed);
    else if (f.observedStale) label = 'recorded run out of date';
    else if (seen) label = observedHintLabel(seen);
    else {
      if (f.estimate && f.estimate.ns < settings.hints.minimumNs) continue;
      if (!f.estimate && !settings.hints.unknownSizes) continue;
      label = hintLabel(f);
    }
    if (!label) continue;
    const at = (f.site.hintAfter ?? f.site.range).endOffset;
    let list = parts.get(at);
    if (!list) parts.set(at, (list = []));
    list.push({ f, label });
  }
  const out: HintSpec[] = [];
  for (const list of parts.values()) {
    list.sort((a, b) => a.f.site.range.startOffset - b.f.site.range.startOffset);
    const first = list[0]!.f;
    const end = (first.site.hintAfter ?? first.site.range).end;
    const label = list.length === 1 ? list[0]!.label : list.map((p) => `${p.f.site.name} ${p.label}`).join(' | ');
    const worst = list.map((p) => costBand(p.f, settings.warnRatio)).sort((a, b) => bandRank[b] - bandRank[a])[0]!;
    out.push({
      line: end.line, column: end.column, offset: (first.site.hintAfter ?? first.site.range).endOffset,
      label, tooltip: list.map((p) => p.f.message).join('\n\n'), band: worst,
    });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

const bandRank: Record<CostBand, number> = { cheap: 0, moderate: 1, costly: 2 };

/** Byte counts of a site for the "Benchmark this call" command: what to measure, in 4 KiB multiples. */
export function benchSizes(site: CallSite): number[] {
  const out = new Set<number>();
  for (const v of [site.oldSize, site.newSize]) {
    const b = v?.bytes;
    if (typeof b === 'number' && b > 0 && b <= 4 * 1024 ** 3) out.add(Math.max(4096, Math.ceil(b / 4096) * 4096));
  }
  return [...out].sort((a, b) => a - b);
}

export { formatBytes, formatNs };

/**
 * Why a text is not analysed in the editor (too big, binary, too many calls), or null. Cheap:
 * a length check, a NUL search and one regular expression, run before any parsing, so a file
 * that would hold the extension host for seconds is refused at once with the reason.
 */
export function skipReason(text: string, limits: { maxFileSize: number; maxCallSites: number }, names: Iterable<string> = []): string | null {
  if (text.length > limits.maxFileSize) {
    return `not analysed: ${(text.length / 1024 / 1024).toFixed(1)} MiB is above pagecost.maxFileSize (${(limits.maxFileSize / 1024 / 1024).toFixed(1)} MiB)`;
  }
  // NUL characters do not occur in C source; a binary file opened as C has plenty.
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  if (head.includes('\u0000')) return 'not analysed: the file looks binary (it contains NUL characters)';
  const words = ['realloc', 'reallocarray', 'reallocf', 'mremap', ...names].map((n) => n.replace(/[^A-Za-z0-9_]/g, '')).filter((n) => n.length > 0);
  const re = new RegExp(`\\b(?:${[...new Set(words)].join('|')})\\b`, 'g');
  let count = 0;
  while (re.exec(text) !== null) {
    if (++count > limits.maxCallSites) {
      let total = count;
      while (re.exec(text) !== null) total++;
      return `not analysed: ${total} calls of realloc/mremap and wrappers is above pagecost.maxCallSites (${limits.maxCallSites}); raise it to analyse this file`;
    }
  }
  return null;
}
