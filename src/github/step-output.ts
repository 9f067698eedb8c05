import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { EOL } from 'node:os'

/**
 * Sets a step output from its value in parts, in the format `core.setOutput` writes to GITHUB_OUTPUT
 * (`name<<delimiter`, the value, the delimiter, with a random delimiter the value must not contain).
 * A value of megabytes is then written as it is made, rather than joined and copied twice more on its
 * way to the file. Without GITHUB_OUTPUT (an old runner), core.setOutput takes the joined value.
 */
export function setOutputInParts(env: NodeJS.ProcessEnv, name: string, parts: Iterable<string>): void {
  const file = env.GITHUB_OUTPUT
  if (!file) return core.setOutput(name, [...parts].join(''))
  const delimiter = `ghadelimiter_${randomUUID()}`
  const fd = openSync(file, 'a')
  try {
    writeSync(fd, `${name}<<${delimiter}${EOL}`)
    for (const part of parts) {
      if (part.includes(delimiter)) throw new Error(`output ${name}: the value contains its delimiter`)
      writeSync(fd, part)
    }
    writeSync(fd, `${EOL}${delimiter}${EOL}`)
  } finally {
    closeSync(fd)
  }
}
