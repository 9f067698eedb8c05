import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { worlds } from './fixture.js'
import { runCli } from './harness.js'
import { YamlLanguageServer } from './lsp.js'

const servers = worlds()

describe('an exported reports.yaml in an editor', () => {
  it('gets inline errors and completion from yaml-language-server with no network: its $schema is a local copy', async () => {
    const { report, env } = await servers.world()
    report({ parameters: { kind: 'usage_daily' } })
    const exported = await runCli(['export', '-o', 'reports.yaml'], { env })
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stderr).toContain('reports.schema.json: the schema, for completion and checks in editors')
    const file = path.join(exported.cwd, 'reports.yaml')
    const text = await readFile(file, 'utf8')
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./reports.schema.json')
    const copy = JSON.parse(await readFile(path.join(exported.cwd, 'reports.schema.json'), 'utf8')) as unknown
    expect(copy).toEqual(schema)

    // A typo, as a person would make it: `knd` for `kind`, under the first entry's id.
    const lines = text.split('\n')
    const at = lines.findIndex((l) => l.startsWith('  - id: ')) + 1
    lines.splice(at, 0, '    knd: usage_daily')
    const edited = lines.join('\n')

    const server = new YamlLanguageServer({
      yaml: { validate: true, completion: true, hover: true, schemaStore: { enable: false } },
    })
    try {
      await server.start(pathToFileURL(exported.cwd).href)
      const uri = pathToFileURL(file).href
      const diagnostics = await server.open(uri, edited)
      const typo = diagnostics.filter((d) => d.range.start.line === at)
      expect(typo.map((d) => d.message).join('\n')).toMatch(/knd.*not allowed/i)
      expect(diagnostics.filter((d) => d.range.start.line !== at)).toEqual([])
      // Completion at the typo's key offers the schema's keys the entry does not have yet.
      const labels = await server.complete(uri, at, 4)
      expect(labels).toContain('name')
      expect(labels).not.toContain('kind')
    } finally {
      await server.stop()
    }
  })
})
