/** The segments of a JSON Pointer (RFC 6901), unescaped: `/a~1b/0` → `['a/b', '0']`; `''` (the root) → `[]`. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}
