export * from './errors.js'
export * from './logging.js'
export * from './service.js'
export * from './sqlite.js'
