// Every fixture under test/fixtures/c against its hand-written <file>.expected.json.
// Finding (where, what, through which wrappers) and evaluating (bytes, flags, growth) are
// separate tests, so a gap in the size evaluator does not hide a finder regression or vice versa.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallSite } from '../../../src/core/types';
import { analyzeFixtureProject, FIXTURE_ROOT, fixtureFiles } from './fixtureProject';

interface Expected {
  line: number;
  column: number;
  callee: string;
  kind: string;
  via: string[];
  oldBytes: number | null;
  newBytes: number | null;
  flags: string[] | null;
  growth: string | null;
  conditions?: string[];
  inLoop?: boolean;
  assignedBackTo?: string | null;
}

const OPTIONAL = ['conditions', 'inLoop', 'assignedBackTo'] as const;

function found(site: CallSite, exp: Expected | undefined) {
  const out: Record<string, unknown> = {
    line: site.nameRange.start.line,
    column: site.nameRange.start.column,
    callee: site.callee,
    kind: site.kind,
    via: site.via,
  };
  // Optional context keys are compared only where the expected file states them.
  for (const k of OPTIONAL) if (exp && k in exp) out[k] = site[k];
  return out;
}

function evaluated(site: CallSite) {
  return {
    line: site.nameRange.start.line,
    column: site.nameRange.start.column,
    oldBytes: site.oldSize?.bytes ?? null,
    newBytes: site.newSize?.bytes ?? null,
    flags: site.flags,
    growth: site.growth,
  };
}

describe('C call sites: fixtures', () => {
  const files = fixtureFiles();

  it('covers every fixture with an expected file', () => {
    assert.ok(files.length >= 15, `only ${files.length} fixtures`);
    const missing = files.filter((f) => !existsSync(join(FIXTURE_ROOT, `${f}.expected.json`)));
    assert.deepEqual(missing, []);
  });

  it('finds the fixture wrappers and function pointers across files, in more than one round', async () => {
    const { wrappers, rounds } = await analyzeFixtureProject();
    const table = Object.fromEntries(
      // (wrapper.c and git-style/wrapper.c both define an equal xrealloc; the first one found is kept.)
      wrappers.map((w) => {
        const params = Object.entries(w.params).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
        return [w.name, `${w.kind} ${w.callee} via[${w.via.join(',')}] ${params} dies=${w.diesOnFailure}${w.fileLocal ? ' local' : ''}`];
      }),
    );
    assert.deepEqual(table, {
      xrealloc: 'function realloc via[] ptr=0 size=1 dies=true',
      try_realloc: 'function realloc via[] ptr=0 size=1 dies=false',
      grow_array: 'function realloc via[xrealloc] ptr=0 size=-1 dies=true',
      xmremap: 'function mremap via[] flags=3 oldSize=1 ptr=0 size=2 dies=true',
      grow_in_place: 'function realloc via[xrealloc] ptr=0 size=1 dies=true',
      strlist_resize: 'function realloc via[grow_array,xrealloc] ptr=0 size=-1 dies=true local',
      my_realloc: 'macro realloc via[] ptr=0 size=1 dies=false local',
      MOVE_MAPPING: 'macro mremap via[] flags=-1 oldSize=1 ptr=0 size=2 dies=false local',
      // not-calls.c: pointers set to realloc (a static variable, a local, two struct fields) ...
      default_resize: 'pointer realloc via[] ptr=0 size=1 dies=false local',
      cb: 'pointer realloc via[] ptr=0 size=1 dies=false local',
      realloc: 'pointer realloc via[] ptr=0 size=1 dies=false',
      grow: 'pointer realloc via[] ptr=0 size=1 dies=false',
      // ... and a function whose parameters decide the pointer and the size (10) of a call through one.
      fields: 'function realloc via[a.realloc = realloc] ptr=2 size=-1 dies=false',
      // helpers.c: wrappers by the precise rule (the helpers beside them are not wrappers).
      resize_block: 'function realloc via[] ptr=0 size=1 dies=false',
      names_add: 'function realloc via[] ptr=0 size=-1 dies=false',
      // vm-style: a static allocator handed to vm_open, stored in a field, and what is built on it.
      host_alloc: 'function realloc via[] ptr=1 size=3 dies=false local',
      reallocate: 'pointer realloc via[] ptr=1 size=3 dies=false',
      first_try: 'macro realloc via[g->reallocate = host_alloc] ptr=1 size=3 dies=false local',
      vm_mem_resize: 'function realloc via[g->reallocate = host_alloc] ptr=1 size=3 dies=false',
      vm_resize_array: 'macro realloc via[vm_mem_resize,g->reallocate = host_alloc] ptr=1 size=-1 dies=false',
      // hook-style: a global pointer initialised to realloc, and the macros and functions over it.
      store_realloc: 'pointer realloc via[] ptr=0 size=1 dies=false',
      STORE_REALLOC: 'macro realloc via[store_realloc = realloc] ptr=0 size=1 dies=false',
      STORE_GROW: 'macro realloc via[store_realloc = realloc] ptr=0 size=-1 dies=false',
      name_copy: 'function realloc via[store_realloc = realloc] ptr=0 size=-1 dies=false',
      GROW_SCRATCH: 'macro realloc via[] ptr=-1 size=-1 dies=false local',
      RESIZE_ELEMS: 'macro realloc via[] ptr=0 size=-1 dies=false local',
      REALLOC_ARRAY: 'macro realloc via[xrealloc] ptr=0 size=-1 dies=true',
      ALLOC_GROW: 'macro realloc via[REALLOC_ARRAY,xrealloc] ptr=0 size=-1 dies=true',
      zrealloc: 'function realloc via[] ptr=0 size=1 dies=true',
      s_realloc: 'macro realloc via[zrealloc] ptr=0 size=1 dies=true',
      // Its block starts a header before the caller's pointer: the parameter decides which block.
      sds_preallocated: 'function realloc via[s_realloc,zrealloc] ptr=0 size=-1 dies=true',
      grow_keep: 'function realloc via[] ptr=0 size=-1 dies=false',
      grow_or_null: 'function realloc via[] ptr=0 size=-1 dies=false',
      resize_or_free: 'function realloc via[] ptr=0 size=1 dies=false',
      resize_release: 'function realloc via[] ptr=0 size=1 dies=false',
      resize_or_exit: 'function realloc via[] ptr=0 size=1 dies=true',
      resize_plain: 'function realloc via[] ptr=0 size=1 dies=false local',
      resize_counted: 'function realloc via[resize_plain] ptr=0 size=1 dies=false',
      LIST_GROW: 'macro realloc via[grow_keep] ptr=0 size=-1 dies=false',
      LIST_GROW_OR_NULL: 'macro realloc via[grow_or_null] ptr=0 size=-1 dies=false',
      BUF_RESIZE_OR_EXIT: 'macro realloc via[] ptr=0 size=1 dies=true',
      BUF_RESIZE_LOGGED: 'macro realloc via[] ptr=0 size=1 dies=false',
      text_regrow: 'function realloc via[] ptr=0 size=1 dies=false',
      // old-style: K&R definitions, and a macro whose continued lines carry comments.
      PUSH_BYTE: 'macro realloc via[] ptr=-1 size=-1 dies=false',
      vec_resize: 'function realloc via[] ptr=0 size=-1 dies=false',
      bytes_resize: 'function realloc via[] ptr=0 size=-1 dies=false',
    });
    // strlist_resize needs grow_array from another file; REALLOC_ARRAY needs xrealloc from another;
    // vm_resize_array needs host_alloc → vm_open's store → the field → first_try → vm_mem_resize.
    assert.ok(rounds >= 4, `${rounds} rounds`);
    const helpers = Object.fromEntries((await analyzeFixtureProject()).helpers.filter((h) => h.file === 'helpers.c').map((h) => [h.name, !!h.linearStep]));
    assert.deepEqual(helpers, { ints_push: true, text_add: true, ints_reserve: false, line_read: false, record_read: false, squeeze: false, fill: false });
  });

  it('reads what each fixture wrapper returns when the resize fails from its body', async () => {
    const { wrappers } = await analyzeFixtureProject();
    const contracts = Object.fromEntries(wrappers.map((w) => [w.name, w.onFailure ?? '-']));
    assert.deepEqual(contracts, {
      xrealloc: 'dies', // die() after the NULL check
      try_realloc: 'null',
      grow_array: 'dies', // through xrealloc
      xmremap: 'dies', // abort() on MAP_FAILED
      grow_in_place: 'dies',
      strlist_resize: 'dies',
      my_realloc: 'null', // an alias is realloc
      MOVE_MAPPING: 'null', // the expansion is mremap's value
      GROW_SCRATCH: 'null', // assigns the global back, nothing checks it
      RESIZE_ELEMS: 'null',
      REALLOC_ARRAY: 'dies',
      ALLOC_GROW: 'dies',
      zrealloc: 'dies', // the out-of-memory handler
      s_realloc: 'dies',
      sds_preallocated: 'dies',
      grow_keep: 'old', // `if (!bigger) return ptr;`
      grow_or_null: 'null',
      resize_or_free: 'null-freed', // `if (size && !moved) free(ptr);`
      resize_release: 'null-freed', // `if (moved) return moved; free(ptr); return NULL;`
      resize_or_exit: 'dies', // a static helper that ends in exit()
      resize_plain: 'null', // `return realloc(…)`
      resize_counted: '-', // the result is read before it is returned: not followed
      LIST_GROW: 'old',
      LIST_GROW_OR_NULL: 'null',
      BUF_RESIZE_OR_EXIT: 'dies',
      BUF_RESIZE_LOGGED: 'null',
      text_regrow: 'null',
      // Function pointers carry their target's contract; wrappers over them read their own bodies.
      cb: 'null',
      default_resize: 'null',
      realloc: 'null',
      grow: 'null',
      fields: '-', // the result is stored and dropped
      resize_block: 'null',
      names_add: '-', // returns -1, not a pointer
      host_alloc: 'null',
      reallocate: 'null',
      first_try: 'null',
      vm_mem_resize: 'null',
      vm_resize_array: 'null',
      store_realloc: 'null',
      STORE_REALLOC: 'null',
      STORE_GROW: 'null',
      name_copy: 'null',
      PUSH_BYTE: 'null',
      vec_resize: 'null',
      bytes_resize: 'null',
    });
    for (const w of wrappers) assert.equal(w.diesOnFailure, w.diesOnFailure || w.onFailure === 'dies', `${w.name}: dies implies diesOnFailure`);
  });

  for (const file of files) {
    const expectedPath = join(FIXTURE_ROOT, `${file}.expected.json`);
    const load = (): Expected[] => JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected[];

    it(`${file}: finds the expected call sites and references`, async () => {
      const expected = load();
      const sites = (await analyzeFixtureProject()).sites.get(file)!;
      const actual = sites.map((s, i) => found(s, expected[i]));
      const want = expected.map((e) => {
        const o: Record<string, unknown> = { line: e.line, column: e.column, callee: e.callee, kind: e.kind, via: e.via };
        for (const k of OPTIONAL) if (k in e) o[k] = e[k];
        return o;
      });
      assert.deepEqual(actual, want);
    });

    it(`${file}: evaluates sizes, flags and growth`, async () => {
      const expected = load();
      const sites = (await analyzeFixtureProject()).sites.get(file)!;
      assert.deepEqual(
        sites.map(evaluated),
        expected.map((e) => ({
          line: e.line,
          column: e.column,
          oldBytes: e.oldBytes,
          newBytes: e.newBytes,
          flags: e.flags,
          growth: e.growth,
        })),
      );
    });
  }
});
