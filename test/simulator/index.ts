import { Simulator, type SimulatorOptions } from './simulator.js'

export { Simulator, type SimulatorOptions } from './simulator.js'
export type { LoggedRequest } from './log.js'
export { usageNotReady, type Fault, type RandomFaultOptions } from './faults.js'
export type { RateLimitOptions } from './rate-limit.js'
export type { DeepPartial, SimClient, SimState, SimTenant, SimUser } from './store.js'

/** Starts the simulated Account Management API on `host:port` (default 127.0.0.1, an ephemeral port). */
export async function startSimulator(options?: SimulatorOptions): Promise<Simulator> {
  return Simulator.start(options)
}
