// The primitive table is the one source of truth: every entry is implemented by the
// interpreter and reports arity errors exactly as the table says.
import { describe, expect, it } from 'vitest';
import { interpretSource } from './interp/memory-host.js';
import { aliases, arityText, mangle, primitives } from './primitives.js';

function run(source: string): { out: string; err: string } {
  const r = interpretSource(source);
  return { out: r.stdout, err: r.stderr };
}

const visible = primitives.filter((p) => !p.internal);

describe('the primitive table', () => {
  it('binds every visible primitive and alias to a procedure named after its primitive', () => {
    const names = [...visible.map((p) => p.name), ...Object.keys(aliases)];
    const program = names.map((n) => `(print (procedure? ${n}) ${n})`).join('\n');
    const expected = names.map((n) => `t #<procedure ${aliases[n] ?? n}>\n`).join('');
    expect(run(program).out).toBe(expected);
  });

  it('reports arity errors in the words of the table', () => {
    const cases = visible.filter((p) => p.min > 0 || p.max !== null);
    const program = cases
      .map((p) => {
        const n = p.max !== null ? p.max + 1 : p.min - 1;
        const args = Array.from({ length: n }, () => '0').join(' ');
        return `(print (try (apply ${p.name} (list ${args})) (fn (e) (error-message e))))`;
      })
      .join('\n');
    const expected = cases.map((p) => `${p.name}: ${arityText(p.min, p.max)}, got ${p.max !== null ? p.max + 1 : p.min - 1}\n`).join('');
    const r = run(program);
    expect(r.err).toBe('');
    expect(r.out).toBe(expected);
  });

  it('gives every primitive a distinct C identifier', () => {
    const cnames = primitives.map((p) => p.cname);
    expect(new Set(cnames).size).toBe(cnames.length);
    for (const c of cnames) expect(c).toMatch(/^omniP_[A-Za-z0-9_]+$/);
    expect(mangle('string->list')).toBe('string_to_list');
    expect(mangle('null?')).toBe('null_p');
    expect(mangle('vector-set!')).toBe('vector_set_x');
  });
});
