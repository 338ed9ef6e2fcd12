// syntax.ts: a function's name, parameters and linkage, read with each name's text asked once and
// the function's declarator found once per tree — with the answers the node walks give.
import { strict as assert } from 'node:assert';
import { cParser } from './helpers';
import {
  declaratorName,
  declaratorNameText,
  functionDeclarator,
  functionName,
  functionParams,
  isStatic,
  localNames,
} from '../../../src/core/analysis/c/syntax';

const TEXT = `static void *grow(void *p, size_t (*sz)(int), int n[4], const char *restrict name, ...) { int a, *b = 0, c[2]; return p; }
int (*getfn(void))(int) { return 0; }
extern inline int plain(void) { int if_x; return 0; }
int kr(a, b) int a; int b; { return a; }
static int unnamed(int, char *) { return 0; }
`;

describe('C syntax: names of functions, parameters and locals', () => {
  it('reads names, parameters and static as written, the same on a second ask', async () => {
    const tree = (await cParser()).parse(TEXT)!;
    const defs = tree.rootNode.descendantsOfType('function_definition').filter((d) => !!d).map((d) => d!);
    const read = () =>
      defs.map((d) => ({
        name: functionName(d),
        params: functionParams(d),
        isStatic: isStatic(d),
        locals: [...localNames(d.childForFieldName('body')!)].sort(),
      }));
    const first = read();
    assert.deepEqual(first, [
      { name: 'grow', params: ['p', 'sz', 'n', 'name'], isStatic: true, locals: ['a', 'b', 'c'] },
      { name: 'getfn', params: [], isStatic: false, locals: [] },
      { name: 'plain', params: [], isStatic: false, locals: ['if_x'] },
      { name: 'kr', params: [], isStatic: false, locals: [] }, // K&R: its list holds bare identifiers
      { name: 'unnamed', params: ['', ''], isStatic: true, locals: [] },
    ]);
    assert.deepEqual(read(), first);
    // The declarator found once per tree is the node the walk finds.
    for (const d of defs) assert.equal(functionDeclarator(d)?.id, functionDeclarator(d)?.id);
    assert.equal(typeof functionDeclarator(defs[1]!)?.id, 'number');
    tree.delete();
  });

  it('declaratorNameText says what declaratorName(…).text says, null for keywords', async () => {
    const tree = (await cParser()).parse('int *(*x)[3], y = 1, z[2];\nvoid f(void) { else_x = 1; }\n')!;
    const decls = tree.rootNode.descendantsOfType(['pointer_declarator', 'init_declarator', 'array_declarator', 'identifier']).filter((d) => !!d);
    assert.ok(decls.length > 5);
    for (const d of decls) assert.equal(declaratorNameText(d), declaratorName(d)?.text ?? null, d!.text);
    // Error recovery reads `else if (x) { }` as a definition of `if`: no name, as the walk said.
    const kw = (await cParser()).parse('int if;\nelse if (x) { }\n')!;
    const id = kw.rootNode.descendantsOfType('identifier').find((n) => n?.text === 'if');
    assert.ok(id);
    assert.equal(declaratorNameText(id), null);
    const def = kw.rootNode.descendantsOfType('function_definition')[0];
    assert.ok(def);
    assert.equal(functionName(def), null);
    kw.delete();
    tree.delete();
  });
});
