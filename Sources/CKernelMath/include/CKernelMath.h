#ifndef ENTK_CKERNELMATH_H
#define ENTK_CKERNELMATH_H

// Lane-wise vector square root and multiply-add for the kernel hot loops.
//
// Why a C shim: Swift's `squareRoot()` on SIMD vectors lowers lane by lane to libm `sqrt`
// (vsqrtsd plus an errno branch per lane), and `addingProduct` on a target without FMA calls
// libm `fma` per lane. Clang's elementwise builtins give one vsqrtpd/vsqrtps (sqrtpd pairs
// on plain x86-64) and vfmadd where the target has FMA. The ext_vector types below are
// imported by Swift as SIMD4<Double> and SIMD8<Float>; the functions are static inline, so
// they are inlined into the Swift callers.

typedef double entk_double4 __attribute__((ext_vector_type(4)));
typedef float entk_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) entk_double4 entk_sqrt_d4(entk_double4 x) {
    return __builtin_elementwise_sqrt(x);
}

static inline __attribute__((always_inline)) entk_float8 entk_sqrt_f8(entk_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

// a·b + c: fused where the target has FMA (one rounding), else a multiply and an add.
static inline __attribute__((always_inline)) entk_double4 entk_muladd_d4(entk_double4 a, entk_double4 b, entk_double4 c) {
#if defined(__FMA__)
    return __builtin_elementwise_fma(a, b, c);
#else
    return a * b + c;
#endif
}

static inline __attribute__((always_inline)) entk_float8 entk_muladd_f8(entk_float8 a, entk_float8 b, entk_float8 c) {
#if defined(__FMA__)
    return __builtin_elementwise_fma(a, b, c);
#else
    return a * b + c;
#endif
}

/// 1 when this translation unit was compiled with FMA (for diagnostics and tests).
int entk_kernel_math_has_fma(void);

#endif
