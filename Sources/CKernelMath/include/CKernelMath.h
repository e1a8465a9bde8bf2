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
// 512-bit vectors (the hot loops' width since issue 10's second round): one zmm register
// with AVX-512, split into two ymm (AVX2) or four xmm (SSE2) by the compiler otherwise.
typedef double entk_double8 __attribute__((ext_vector_type(8)));
typedef float entk_float16 __attribute__((ext_vector_type(16)));

static inline __attribute__((always_inline)) entk_double4 entk_sqrt_d4(entk_double4 x) {
    return __builtin_elementwise_sqrt(x);
}

static inline __attribute__((always_inline)) entk_float8 entk_sqrt_f8(entk_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

static inline __attribute__((always_inline)) entk_double8 entk_sqrt_d8(entk_double8 x) {
    return __builtin_elementwise_sqrt(x);
}

static inline __attribute__((always_inline)) entk_float16 entk_sqrt_f16(entk_float16 x) {
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

static inline __attribute__((always_inline)) entk_double8 entk_muladd_d8(entk_double8 a, entk_double8 b, entk_double8 c) {
#if defined(__FMA__)
    return __builtin_elementwise_fma(a, b, c);
#else
    return a * b + c;
#endif
}

static inline __attribute__((always_inline)) entk_float16 entk_muladd_f16(entk_float16 a, entk_float16 b, entk_float16 c) {
#if defined(__FMA__)
    return __builtin_elementwise_fma(a, b, c);
#else
    return a * b + c;
#endif
}

/// 1 when this translation unit was compiled with FMA (for diagnostics and tests).
int entk_kernel_math_has_fma(void);

#endif
