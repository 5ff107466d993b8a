;; scores(q, g, n, d, out): out[i] = dot(q, g[i*d .. i*d+d)) for i in [0, n), with WebAssembly
;; SIMD (f32x4). q, g and out are byte offsets into memory; d is a multiple of 8. Two
;; accumulators hide the latency of the adds. Built into dotProductWasm.ts by
;; `npm run wasm`; the gallery search in gallery.ts is its only user.
(module
  (memory (export "memory") 1)
  (func (export "scores") (param $q i32) (param $g i32) (param $n i32) (param $d i32) (param $out i32)
    (local $i i32) (local $k i32) (local $row i32) (local $bytes i32) (local $a v128) (local $b v128)
    (local.set $bytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $row (local.get $g))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $k) (local.get $bytes)))
            (local.set $a
              (f32x4.add (local.get $a)
                (f32x4.mul
                  (v128.load (i32.add (local.get $row) (local.get $k)))
                  (v128.load (i32.add (local.get $q) (local.get $k))))))
            (local.set $b
              (f32x4.add (local.get $b)
                (f32x4.mul
                  (v128.load offset=16 (i32.add (local.get $row) (local.get $k)))
                  (v128.load offset=16 (i32.add (local.get $q) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $cols)))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))))
