// The JS harness's output: the C harness's line protocol (../protocol.ts), whose hello line also
// names the engine that measured. Pure; never throws on bad input.
import { parseLine, type LineResult } from '../protocol';

/** The JS protocol version this parser understands (`"js_harness"` in the hello line). */
export const JS_PROTOCOL = 1;

/** Which JavaScript engine and runtime measured the points. */
export interface JsEngine {
  engine: string;
  engineVersion: string;
  /** "node", or "electron" when the extension host of desktop VS Code ran it. */
  runtime: string;
  runtimeVersion: string;
}

function text(v: unknown, max = 80): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= max && !/[\u0000-\u001f]/.test(v) ? v : null;
}

/** The engine named in a hello line's JSON object, or why it is not one. */
export function engineOf(o: Record<string, unknown>): JsEngine | string {
  if (o.js_harness !== JS_PROTOCOL) return `JS harness protocol ${JSON.stringify(o.js_harness)}, expected ${JS_PROTOCOL}`;
  const engine = text(o.engine);
  const engineVersion = text(o.engine_version);
  const runtime = text(o.runtime);
  const runtimeVersion = text(o.runtime_version);
  if (!engine || !engineVersion || !runtime || !runtimeVersion) return 'the hello line does not name the engine (engine, engine_version, runtime, runtime_version)';
  return { engine, engineVersion, runtime, runtimeVersion };
}

/**
 * A line parser for the JS harness: the C protocol's, plus the engine of the hello line handed to
 * `onEngine`. A hello line without a valid engine is an error like any malformed line.
 */
export function jsLineParser(onEngine: (e: JsEngine) => void): (line: string, lineNo: number) => LineResult {
  return (line, lineNo) => {
    const r = parseLine(line, lineNo);
    if (!r.ok || r.event.kind !== 'hello') return r;
    const e = engineOf(JSON.parse(line) as Record<string, unknown>);
    if (typeof e === 'string') return { ok: false, error: `line ${lineNo} (hello): ${e}` };
    onEngine(e);
    return r;
  };
}

/** "V8 12.4 (node v22.1.0)". */
export function describeEngine(e: JsEngine): string {
  return `${e.engine} ${e.engineVersion} (${e.runtime} ${e.runtimeVersion})`;
}
