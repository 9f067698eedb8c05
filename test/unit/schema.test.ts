import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import schema from '../../schema/reports.schema.json' with { type: 'json' }
import { ConfigErrors } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'

const dir = path.resolve(import.meta.dirname, '../fixtures/corpus')
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))

/** What an editor does with the published schema: plain Ajv, nothing of the action's code. */
const editor = new Ajv({ allErrors: true }).compile(schema)

function actionAccepts(text: string, file: string): boolean {
  try {
    parseConfig(text, file)
    return true
  } catch (e) {
    if (e instanceof ConfigErrors) return false
    throw e
  }
}

describe('schema/reports.schema.json and the action agree', () => {
  it.each(files)('%s', (file) => {
    const text = readFileSync(path.join(dir, file), 'utf8')
    const action = actionAccepts(text, file)
    const viaSchema = editor(parse(text))
    // Duplicate ids are the one rule JSON Schema cannot say (uniqueness of a property across items):
    // the action adds it, and the corpus names those files dup-*.
    if (file.startsWith('dup-')) {
      expect([viaSchema, action]).toEqual([true, false])
    } else {
      expect(action).toBe(viaSchema)
      expect(action).toBe(file.startsWith('good-'))
    }
  })

  it('the sample reports.yaml points editors at the schema and is valid', () => {
    const text = readFileSync(path.resolve(dir, '../../../reports.yaml'), 'utf8')
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/reports.schema.json')
    expect(editor(parse(text))).toBe(true)
    expect(actionAccepts(text, 'reports.yaml')).toBe(true)
  })
})
