export * from './logging.js'
export * from './sqlite.js'
