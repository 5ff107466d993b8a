export * from './fleet/dayScript.js'
export * from './fleet/fleet.js'
export * from './fleet/random.js'
export * from './fleet/simStation.js'
