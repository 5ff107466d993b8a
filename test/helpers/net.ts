// one implementation, shared with the benchmarks
export { freePort } from '../../bench/lib/net.js'
