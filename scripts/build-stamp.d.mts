/** The hashes of the build's inputs and outputs as they are now. */
export function buildStamp(): Promise<{ inputs: string; outputs: string }>
/** True when dist/ was built from the sources as they are, and not changed since. */
export function builtFresh(): Promise<boolean>
/** Records that the build just made its outputs from its inputs. */
export function saveBuildStamp(): Promise<void>
