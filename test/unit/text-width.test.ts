import { describe, expect, it } from 'vitest'
import { displayWidth, padToWidth } from '../../src/util/text-width.js'

describe('displayWidth', () => {
  it.each([
    ['', 0],
    ['plain ascii', 11],
    ['\x1b[1mbold\x1b[22m', 4],
    ['❌ failed', 9],
    ['🔄 will update', 14],
    ['✅ updated', 10],
    ['✔️ unchanged', 12], // U+2714 with U+FE0F: emoji presentation, two cells
    ['✔ text', 6], // without it: a text symbol, one cell
    ['👩‍💻', 2], // a ZWJ sequence is one emoji
    ['🇩🇪', 2],
    ['Café', 4],
    ['Cafe\u0301', 4], // e and a combining accent: one cell
    ['請求書', 6],
    ['ｆｕｌｌ', 8],
    ['Résumé 📊 月次', 14],
  ])('%j takes %i cells', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })

  it('pads to a width in cells', () => {
    expect(padToWidth('📊 x', 6)).toBe('📊 x  ')
    expect(padToWidth('toolong', 3)).toBe('toolong')
  })
})
