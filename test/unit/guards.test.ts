import { describe, expect, it } from 'vitest'
import { growth, LINEAR_AT_10X } from '../guards.js'

// The guard the linear-time tests rest on: it must tell linear work from quadratic, or they prove nothing.
describe('growth()', () => {
  const text = (n: number) => 'ab'.repeat(n / 2)
  const linear = (t: string) => {
    let sum = 0
    for (let i = 0; i < t.length; i++) sum += t.charCodeAt(i)
    return sum
  }
  const quadratic = (t: string) => {
    let same = 0
    for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) if (t[i] === t[j]) same++
    return same
  }

  it('finds linear work under the bound and quadratic work over it, on inputs 10× apart', () => {
    expect(growth(linear, text(20_000), text(200_000))).toBeLessThan(LINEAR_AT_10X)
    expect(growth(quadratic, text(200), text(2_000))).toBeGreaterThan(LINEAR_AT_10X)
  })
})
