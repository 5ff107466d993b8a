// aedes-persistence-redis ships no types; its async persistence is what aedes 1.x takes
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  const AsyncRedisPersistence: new (opts: Record<string, unknown>) => unknown
  export default AsyncRedisPersistence
}
