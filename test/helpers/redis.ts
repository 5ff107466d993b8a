// one implementation, shared with the benchmarks
export * from '../../bench/lib/redis.js'
