import { run } from './main.js'

// The action's own thread (src/index.ts starts it): the runner's variables are the process's.
await run(process.env)
