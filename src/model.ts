// The domain every stage shares: what a plan is made of and what a run concluded. Stages import
// these types from here, never from each other's modules, so data flows one way.

export * from './model/change.js'
export * from './model/review.js'
export * from './model/run.js'
export * from './model/pull.js'
