// The host's target triple, in its own module (node builtins only) so that the CLI's cache
// lookup can use it without loading the compiler.
const ARCHES: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

/** The host's target triple in Debian's spelling (gcc's), e.g. `x86_64-linux-gnu`. */
export function hostTriple(): string {
  return `${ARCHES[process.arch] ?? process.arch}-${process.platform}-gnu`;
}
