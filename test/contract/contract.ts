import { Ajv, type ValidateFunction } from 'ajv'
import type { LoggedRequest } from '../simulator/index.js'
import subset from './acronis-v2.subset.json' with { type: 'json' }

// The vendor's contract (README.md beside this file) as checks of one logged request and its answer.

type Node = Record<string, unknown>
interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: Node
}
interface Operation {
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema: Node }> }
  responses: Record<string, { content?: Record<string, { schema: Node }> }>
  security: Record<string, string[]>[]
}

const API_ROOT = '/api/2'

/**
 * OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative, and component references point
 * at the one schema that holds all components. Nothing else is changed.
 */
export function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema)
  if (!node || typeof node !== 'object') return node
  const out: Node = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue
    out[key] =
      key === '$ref'
        ? String(value).replace('#/components/schemas/', 'components#/definitions/')
        : jsonSchema(value)
  }
  if ((node as Node).nullable !== true) return out
  if (typeof out.type !== 'string') return { anyOf: [out, { type: 'null' }] }
  out.type = [out.type, 'null']
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null]
  return out
}

/** Ajv as a validating proxy would use it: Unicode regular expressions, every error, no format plugins. */
export function contractAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ $id: 'components', definitions: jsonSchema(subset.components.schemas) })
  return ajv
}

const ajv = contractAjv()
const compiled = new Map<Node, ValidateFunction>()
function validator(schema: Node): ValidateFunction {
  let v = compiled.get(schema)
  if (!v) compiled.set(schema, (v = ajv.compile(jsonSchema(schema) as Node)))
  return v
}

const operations = Object.entries(
  subset.paths as unknown as Record<string, Record<string, Operation>>,
).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    template,
    // `{name}` matches one path segment.
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
    op,
  })),
)

/** The documented operation for a method and a path under the API root. */
export function operationOf(method: string, path: string) {
  for (const o of operations) {
    const match = o.method === method ? o.pattern.exec(path) : null
    if (match) return { ...o, values: match.slice(1).map(decodeURIComponent) }
  }
  return undefined
}

/** Query strings carry text: a parameter typed integer or boolean is read as one first. */
function typed(value: string, schema: Node): unknown {
  if (schema.type === 'integer' && /^-?\d+$/.test(value)) return Number(value)
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

function problems(v: ValidateFunction, value: unknown, what: string): string[] {
  return v(value) ? [] : (v.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message ?? ''}`.trim())
}

/** What in this request breaks the contract: method and path, parameters, credentials, body. */
export function requestViolations(r: LoggedRequest): string[] {
  if (!r.path.startsWith(API_ROOT + '/')) return [`${r.method} ${r.path}: not under ${API_ROOT}`]
  const path = r.path.slice(API_ROOT.length)
  const found = operationOf(r.method, path)
  if (!found) return [`${r.method} ${path}: no such operation in the contract`]
  const { op, template, values } = found
  const at = `${r.method} ${template}`
  const out: string[] = []
  const params = op.parameters ?? []
  params
    .filter((p) => p.in === 'path')
    .forEach((p, i) => out.push(...problems(validator(p.schema), values[i], `${at} path ${p.name}`)))
  for (const [name, value] of r.query) {
    const p = params.find((x) => x.in === 'query' && x.name === name)
    if (!p) out.push(`${at}: query parameter ${name} is not documented`)
    else out.push(...problems(validator(p.schema), typed(value, p.schema), `${at} query ${name}`))
  }
  for (const p of params.filter((x) => x.required && x.in !== 'path')) {
    const present = p.in === 'query' ? r.query.has(p.name) : p.name.toLowerCase() in r.headers
    if (!present) out.push(`${at}: required ${p.in} parameter ${p.name} is missing`)
  }
  for (const p of params.filter((x) => x.in === 'header' && x.name.toLowerCase() in r.headers)) {
    out.push(...problems(validator(p.schema), r.headers[p.name.toLowerCase()], `${at} header ${p.name}`))
  }
  const auth = r.headers.authorization ?? ''
  const anonymous = op.security.some((s) => !Object.keys(s).length)
  const schemes = op.security.flatMap((s) => Object.keys(s))
  const scheme = /^bearer /i.test(auth) ? 'oauth2' : /^basic /i.test(auth) ? 'basicAuth' : undefined
  if (!anonymous && !(scheme && schemes.includes(scheme))) {
    out.push(`${at}: no credentials of a documented scheme (${schemes.join(', ')})`)
  }
  out.push(...bodyViolations(r, op, at))
  return out
}

function bodyViolations(r: LoggedRequest, op: Operation, at: string): string[] {
  if (!op.requestBody) return r.body ? [`${at}: sends a body the operation does not take`] : []
  const type = (r.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  const media = op.requestBody.content[type]
  if (!media)
    return [`${at}: content type "${type}" is not one of ${Object.keys(op.requestBody.content).join(', ')}`]
  let body: unknown
  try {
    body = type === 'application/json' ? JSON.parse(r.body) : Object.fromEntries(new URLSearchParams(r.body))
  } catch {
    return [`${at}: the body is not ${type}`]
  }
  return problems(validator(media.schema), body, `${at} body`)
}

/** What in the answer to this request breaks the contract: an undocumented status, or its body's shape. */
export function answerViolations(r: LoggedRequest): string[] {
  const found = operationOf(r.method, r.path.slice(API_ROOT.length))
  if (!found) return [`${r.method} ${r.path}: no such operation in the contract`]
  const at = `${r.method} ${found.template} → ${r.status}`
  const response = found.op.responses[String(r.status)]
  if (!response) return [`${at}: status not documented`]
  const media = response.content?.['application/json']
  if (!media) return r.response ? [`${at}: a body where none is documented`] : []
  let body: unknown
  try {
    body = JSON.parse(r.response)
  } catch {
    return [`${at}: the answer is not JSON`]
  }
  return problems(validator(media.schema), body, `${at} answer`)
}

/** Every violation in a request log, requests and answers, in order. */
export function violations(log: readonly LoggedRequest[]): string[] {
  return log.flatMap((r) => [...requestViolations(r), ...answerViolations(r)])
}
