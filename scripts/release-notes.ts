/**
 * `npx tsx scripts/release-notes.ts X.Y.Z`: prints the CHANGELOG.md section of that version, the body
 * of its GitHub release (the release workflow drafts it from this). Fails, saying why, when the version
 * is not X.Y.Z, is not package.json's, or CHANGELOG.md has no dated, non-empty section for it.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

/** The text under `## [X.Y.Z] - YYYY-MM-DD`, up to the next `## ` heading or the link definitions. */
export function releaseNotes(changelog: string, version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`version "${version}" is not X.Y.Z`)
  const lines = changelog.split(/\r?\n/)
  const heading = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\](?: - (\\d{4}-\\d{2}-\\d{2}))?\\s*$`)
  const start = lines.findIndex((l) => heading.test(l))
  if (start < 0) throw new Error(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section`)
  if (!heading.exec(lines[start]!)![1])
    throw new Error(`CHANGELOG.md: the section of ${version} has no date ("## [${version}] - YYYY-MM-DD")`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((l) => l.startsWith('## ') || /^\[[^\]]+\]: /.test(l))
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
  if (!body) throw new Error(`CHANGELOG.md: the section of ${version} is empty`)
  return body + '\n'
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(import.meta.dirname, '..')
  const version = process.argv[2] ?? ''
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
  try {
    if (pkg.version !== version)
      throw new Error(
        `package.json has version ${pkg.version}, not ${version}: bump it (and rebuild dist/) first`,
      )
    process.stdout.write(releaseNotes(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), version))
  } catch (e) {
    console.error(`::error::${(e as Error).message}`)
    process.exit(1)
  }
}
