// Turns tree-sitter C declarations (specifier + declarator) into CType values. Used for
// file-scope types and globals (symbols.ts) and for parameters and locals (locals.ts).
// Struct bodies become records here, once; layout happens later and only when asked.
import type { Node } from 'web-tree-sitter';
import { basicType } from './constExpr';
import { typeOf } from './ancestry';
import type { CType, Field } from './layout';

const BASIC_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool']);

export function specifierType(spec: Node | null): CType {
  if (!spec) return { k: 'int', rank: 'int', unsigned: false }; // implicit int (K&R)
  const specType = typeOf(spec);
  switch (specType) {
    case 'primitive_type':
    case 'sized_type_specifier': {
      const words = spec.text.split(/\s+/).filter(Boolean);
      const other = words.filter((w) => !BASIC_WORDS.has(w));
      if (other.length === 1 && words.length === 1) return { k: 'named', name: other[0]! };
      if (other.length > 0) return { k: 'unknown', why: `type \`${spec.text}\` is not understood` };
      return basicType(words);
    }
    case 'type_identifier':
      return { k: 'named', name: spec.text };
    case 'struct_specifier':
    case 'union_specifier': {
      const tag = specType === 'struct_specifier' ? 'struct' : 'union';
      const body = spec.childForFieldName('body');
      const name = spec.childForFieldName('name')?.text ?? null;
      if (!body) return name ? { k: 'tag', tag, name } : { k: 'unknown', why: `\`${tag}\` without a name or body` };
      return recordType(spec, body, tag, name);
    }
    case 'enum_specifier': {
      const name = spec.childForFieldName('name')?.text;
      if (spec.childForFieldName('body') || !name) return { k: 'enum' };
      return { k: 'tag', tag: 'enum', name };
    }
    default:
      return { k: 'unknown', why: `type \`${spec.text}\` is not understood` };
  }
}

export function recordType(spec: Node, body: Node, tag: 'struct' | 'union', name: string | null): CType {
  const label = name ? `${tag} ${name}` : `an anonymous ${tag}`;
  let packed = false;
  let minAlign = 0;
  for (const c of spec.namedChildren) {
    if (c?.type === 'attribute_specifier') {
      if (/\bpacked\b|__packed__/.test(c.text)) packed = true;
      const a = /aligned\s*\(\s*(\d+)\s*\)/.exec(c.text);
      if (a) minAlign = Math.max(minAlign, Number(a[1]));
    }
  }
  const fields: Field[] = [];
  for (const fd of body.namedChildren) {
    const fdType = fd ? typeOf(fd) : null;
    if (!fd || fdType === 'comment') continue;
    if (fdType !== 'field_declaration') {
      if (fdType!.startsWith('preproc_')) {
        return { k: 'unknown', why: `${label} has members inside #if/#ifdef, so its layout depends on the build configuration` };
      }
      continue;
    }
    const base = specifierType(fd.childForFieldName('type'));
    const bitsNode = fd.namedChildren.find((c) => !!c && typeOf(c) === 'bitfield_clause');
    const bits = bitsNode ? (bitsNode.namedChildren[0]?.text ?? null) : null;
    const declarators = fd.childrenForFieldName('declarator').filter((d): d is Node => !!d);
    if (declarators.length === 0) {
      fields.push({ name: null, type: base, bits });
      continue;
    }
    for (const d of declarators) {
      const r = declaratorType(d, base);
      fields.push({ name: r.name, type: r.type, bits });
    }
  }
  return { k: 'record', tag, name, fields, packed, minAlign };
}

/** Applies a declarator (`*p`, `a[4]`, `(*f)(void)`, `x = 3`) to a base type. */
export function declaratorType(d: Node, base: CType): { name: string | null; type: CType } {
  let node: Node | null = d;
  let type = base;
  for (let guard = 0; node && guard < 64; guard++) {
    switch (typeOf(node)) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: node.text, type };
      case 'pointer_declarator':
        type = { k: 'ptr', to: type };
        node = node.childForFieldName('declarator');
        break;
      case 'array_declarator': {
        const size = node.childForFieldName('size');
        type = { k: 'array', of: type, len: size ? size.text : null };
        node = node.childForFieldName('declarator');
        break;
      }
      case 'function_declarator':
        type = { k: 'func' };
        node = node.childForFieldName('declarator');
        break;
      case 'init_declarator':
        node = node.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        node = node.namedChildren.find((c) => !!c && typeOf(c) !== 'attribute_declaration' && typeOf(c) !== 'ms_call_modifier') ?? null;
        break;
      default:
        return { name: null, type };
    }
  }
  return { name: null, type };
}

/** The declared name of a declarator, without building its type. */
export function declaratorName(d: Node): string | null {
  let node: Node | null = d;
  for (let guard = 0; node && guard < 64; guard++) {
    const type = typeOf(node);
    if (type === 'identifier' || type === 'field_identifier' || type === 'type_identifier') return node.text;
    node = node.childForFieldName('declarator') ?? node.namedChildren.find((c) => !!c && typeOf(c).endsWith('declarator')) ?? null;
  }
  return null;
}

/**
 * The initializer of `const T name = expr;` (a const object, not a pointer to const), whose
 * value cannot legally change, so sizes may use it. null for anything else, and for volatile.
 */
export function constInitializer(decl: Node, d: Node): string | null {
  if (d.type !== 'init_declarator' || d.childForFieldName('declarator')?.type !== 'identifier') return null;
  let isConst = false;
  for (const c of decl.namedChildren) {
    if (c?.type !== 'type_qualifier') continue;
    if (c.text === 'volatile') return null;
    if (c.text === 'const') isConst = true;
  }
  return isConst ? (d.childForFieldName('value')?.text ?? null) : null;
}
