// Validates SARIF logs against the vendored official 2.1.0 schema (see sarif-schema-2.1.0.SOURCE.md).
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let validate: ValidateFunction | null = null;

export function sarifValidator(): ValidateFunction {
  if (validate) return validate;
  const schema = JSON.parse(readFileSync(join(__dirname, 'sarif-schema-2.1.0.json'), 'utf8'));
  // Draft-04 → what Ajv 8 reads: the schema uses no other draft-04-only keyword
  // (no boolean exclusiveMinimum/Maximum), so renaming `id` is the whole conversion.
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that is legal in a plain
  // JavaScript regex (as JSON Schema patterns are read) but not with the `u` flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // The formats the schema names, checked for real rather than ignored.
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !isNaN(Date.parse(s)));
  ajv.addFormat('uri', (s: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) && URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/\s/.test(s));
  validate = ajv.compile(schema);
  return validate;
}

/** Throws with Ajv's error list when `log` is not valid SARIF 2.1.0. */
export function assertValidSarif(log: unknown): void {
  const v = sarifValidator();
  if (!v(log)) throw new Error(`invalid SARIF:\n${JSON.stringify(v.errors, null, 2).slice(0, 4000)}`);
}
