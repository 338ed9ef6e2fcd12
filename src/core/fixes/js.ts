// Quick fixes for TS/JS findings. One edit only: a constant-step new size (`old.length + 1024`)
// becomes geometric growth (`Math.max(old.length * 2, old.length + 1024)`), and only where the
// analysis found that the new size is not observable elsewhere (`js.growthExpr.safeToRewrite`);
// elsewhere the finding's message says why there is no edit. Plain text work: no TypeScript
// parser in the engine (it runs in the browser too); tests re-parse every result.
import type { Finding } from '../types';
import { edit, type Fix, type LineIndex } from './text';

/** A size read without side effects, safe to write twice: `len`, `old.length`, `this.buf.byteLength`, `a[0].length`. */
const SIZE_READ = /^[A-Za-z_$][\w$]*(?:\s*(?:\??\.)\s*[A-Za-z_$#][\w$]*|\s*\[\s*\d+\s*\])*$/;
const NUMBER = /^(?:\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?|0x[\da-f_]+)$/i;

/** Splits `text` at its top-level binary `+` operators (outside brackets, strings, templates and comments). */
function topLevelPlus(text: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return null;
      i = end;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return null;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && (c === ',' || (c === '?' && text[i + 1] !== '.') || c === '=' || c === '|' || c === '&' || c === '<' || c === '>' || c === ';')) return null;
    else if (depth === 0 && c === '+') {
      if (text[i + 1] === '+' || text[i - 1] === '+') return null; // ++ is no addition
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return depth === 0 ? parts : null;
}

/** The operand of `old + step` that is the old size, or null when the text does not show which. */
export function oldSizeOperand(expr: string, stepText: string | undefined): string | null {
  const parts = topLevelPlus(expr);
  if (!parts || parts.length !== 2 || parts.some((p) => p === '')) return null;
  const [a, b] = parts as [string, string];
  const isStep = (s: string) => (stepText !== undefined && s.replace(/\s+/g, '') === stepText.replace(/\s+/g, '')) || NUMBER.test(s);
  const size = isStep(b) && !isStep(a) ? a : isStep(a) && !isStep(b) ? b : null;
  return size !== null && SIZE_READ.test(size) ? size : null;
}

/** js-linear-growth: geometric growth in place of the constant step, when the analysis says it is safe. */
export function jsGrowthFixes(f: Finding, text: string, lines: LineIndex): Fix[] {
  const g = f.site.js?.growthExpr;
  if (!g || !g.safeToRewrite) return [];
  if (text.slice(g.range.startOffset, g.range.endOffset) !== g.text) return []; // the text changed since the analysis
  const old = oldSizeOperand(g.text, f.site.js?.step?.text);
  if (old === null) return [];
  const newText = `Math.max(${old} * 2, ${g.text.trim()})`;
  return [{
    title: `Grow geometrically: ${newText}`,
    kind: 'quickfix',
    isPreferred: true,
    edits: [edit(lines, g.range.startOffset, g.range.endOffset, newText)],
    note: `The new buffer is at least twice ${old}, so fewer, larger copies; its length is then a capacity, which the analysis found nothing reading here.`,
  }];
}
