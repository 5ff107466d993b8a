export * from './sqlite.js'
