import { describe, expect, it } from 'vitest'
import { InputError, onlineSettingsFrom, settingsFrom } from '../../src/settings/settings.js'

const ctx = { workspace: '/work', eventName: 'push' }
const online = { 'base-url': 'https://eu2-cloud.acronis.com', 'client-id': 'id', 'client-secret': 's' }

describe('settings', () => {
  it('validate carries the file alone: no API root, no credentials, none asked for', () => {
    const s = settingsFrom({ mode: 'validate', config: 'x/reports.yaml' }, ctx)
    expect(s).toEqual({
      mode: 'validate',
      modeReason: 'mode: validate',
      configPath: '/work/x/reports.yaml',
      configName: 'x/reports.yaml',
      configRoot: '/work',
    })
  })

  it('still checks every input in validate mode, so a typo fails before the first plan', () => {
    expect(() => settingsFrom({ mode: 'validate', concurrency: 'many' }, ctx)).toThrow(InputError)
    expect(() => settingsFrom({ mode: 'validate', 'tenant-id': 'acme' }, ctx)).toThrow(/not a UUID/)
  })

  it('plan and apply always carry the API root and credentials', () => {
    const s = settingsFrom({ ...online, mode: 'auto' }, { ...ctx, eventName: 'pull_request' })
    expect(s.mode).toBe('plan')
    if (s.mode === 'validate') throw new Error('expected an online mode')
    expect(s.apiRoot.href).toBe('https://eu2-cloud.acronis.com/api/2')
    expect(s.credentials).toEqual({ clientId: 'id', clientSecret: 's' })
    expect(onlineSettingsFrom('apply', online, ctx)).toMatchObject({
      mode: 'apply',
      modeReason: 'mode: apply',
    })
  })

  it('pulls only when asked by name: auto never chooses pull', () => {
    expect(settingsFrom({ ...online, mode: 'pull' }, ctx)).toMatchObject({
      mode: 'pull',
      modeReason: 'mode: pull',
    })
    for (const eventName of ['push', 'schedule', 'workflow_dispatch', 'pull_request', ''])
      expect(settingsFrom({ ...online, mode: 'auto' }, { ...ctx, eventName }).mode).not.toBe('pull')
    expect(() => settingsFrom({ ...online, mode: 'pul' }, ctx)).toThrow(
      'mode: "pul" is not allowed; expected auto, plan, apply, pull or validate',
    )
  })

  it('reads run-timeout-seconds: 1800 by default, 0 for none, a whole number of seconds up to a day', () => {
    expect(onlineSettingsFrom('apply', online, ctx).runTimeoutSeconds).toBe(1800)
    expect(
      onlineSettingsFrom('apply', { ...online, 'run-timeout-seconds': '0' }, ctx).runTimeoutSeconds,
    ).toBe(0)
    expect(
      onlineSettingsFrom('apply', { ...online, 'run-timeout-seconds': '600' }, ctx).runTimeoutSeconds,
    ).toBe(600)
    for (const bad of ['-1', '1.5', '10m', '86401'])
      expect(() => onlineSettingsFrom('apply', { ...online, 'run-timeout-seconds': bad }, ctx)).toThrow(
        `run-timeout-seconds: "${bad}" is not allowed; expected a whole number from 0 to 86400`,
      )
  })

  it('names the input as the caller labels it', () => {
    const label = (name: string) => `--${name}`
    expect(() => onlineSettingsFrom('plan', {}, { ...ctx, label })).toThrow(/^--base-url is required to plan/)
  })
})
