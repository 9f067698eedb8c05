import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'

const root = path.resolve(import.meta.dirname, '../..')
export const DIST = path.join(root, 'dist/index.js')

/**
 * The environment the runner gives `node dist/index.js`: action.yml's input defaults, then ours; its
 * summary and output files made empty, as the runner gives them to each step.
 */
export async function actionEnv(
  workspace: string,
  inputs: Record<string, string>,
): Promise<Record<string, string>> {
  const manifest = parse(await readFile(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const defaults = Object.fromEntries(
    Object.entries(manifest.inputs).map(([k, v]) => [
      k,
      String(v.default ?? '').replace('${{ github.token }}', ''),
    ]),
  )
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
    GITHUB_OUTPUT: path.join(workspace, 'output.txt'),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'acme/billing',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    ...Object.fromEntries(
      Object.entries({ ...defaults, ...inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
    ),
  }
  for (const file of [env.GITHUB_STEP_SUMMARY!, env.GITHUB_OUTPUT!]) await writeFile(file, '')
  return env
}

/** `name<<DELIMITER\nvalue\nDELIMITER` blocks of GITHUB_OUTPUT. */
export async function readOutputs(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8')
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!
  return out
}

/** The bench's apply run of a seeded world: `actionEnv` with its inputs. */
export async function applyEnv(
  workspace: string,
  url: string,
  world: { clientId: string; secret: string; tenantId: string },
  concurrency: number,
): Promise<Record<string, string>> {
  return actionEnv(workspace, {
    config: 'reports.yaml',
    'base-url': url,
    'client-id': world.clientId,
    'client-secret': world.secret,
    mode: 'apply',
    concurrency: String(concurrency),
    // Given, so the one call beyond the floor is the listing of undeclared reports.
    'tenant-id': world.tenantId,
  })
}
