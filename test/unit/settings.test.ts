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

  it('names the input as the caller labels it', () => {
    const label = (name: string) => `--${name}`
    expect(() => onlineSettingsFrom('plan', {}, { ...ctx, label })).toThrow(/^--base-url is required to plan/)
  })
})
