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

// The slice route's fused rows for Float (`SliceRunner.reluRow` / `erfRow`, issue 10 round
// four), in C so that everything inlines (in Swift the Float specialisation left the angle
// functions as out-of-line calls with SIMD16 arguments on the stack), 32 lanes (two zmm) at a
// time: two independent dependency chains. Per vector of lanes: the t_y taps
// Σ_j mid_j[i] in order, the affine map (Θ′ = a·ΣK + kw2·ΣΘ + β, or a·ΣK + β on the first
// layer; K′ = kw2·ΣK + b2), the clamp and the dual — the expressions of
// `BlockActivation.reluKernel` / `erfKernel` and of `VectorMath.reluAngle` / `asinAngle` /
// `asinPoly`, in the same order with the same fused multiply-adds, so results are the same
// bit for bit. FP contraction is off below: every `a*b + c` rounds twice, as in Swift.
// Comparisons give lane masks of −1/0; ENTK_SELECT blends by those bits.
typedef float entk_float32 __attribute__((ext_vector_type(32)));
typedef int entk_int16 __attribute__((ext_vector_type(16)));
typedef int entk_int32 __attribute__((ext_vector_type(32)));

#pragma clang fp contract(off)
#if defined(__FMA__)
#define ENTK_FMA(a, b, c) __builtin_elementwise_fma((a), (b), (__typeof__(a))(c))
#else
#define ENTK_FMA(a, b, c) ((a) * (b) + (c))
#endif
#define ENTK_SELECT(F, I, m, a, b) ((F)(((I)(m) & (I)(a)) | (~(I)(m) & (I)(b))))

#define ENTK_POLY_F(F, S) \
static inline __attribute__((always_inline)) F entk_asin_poly_##S(F x) { \
    F z = x * x; \
    F p = 0.08429820192680718f; \
    p = ENTK_FMA(p, z, -0.04761474777301197f); p = ENTK_FMA(p, z, 0.047878790478741315f); \
    p = ENTK_FMA(p, z, 0.025548843194940517f); p = ENTK_FMA(p, z, 0.04506449315956714f); \
    p = ENTK_FMA(p, z, 0.07498651663292173f); p = ENTK_FMA(p, z, 0.16666673576687638f); \
    return ENTK_FMA(x * z, p, x); \
}

// PI is Swift's `.pi` of the type (Float.pi is 0x1.921fb4p1, rounded toward zero).
// `core`: s = √((1 − c)(1 + c)), the branch mask |c| ≤ 1/√2, and the polynomial asin of c
// (small) or of s (near ±1) — the part both angles share.
#define ENTK_ANGLES(F, I, S, PI, HALF_PI, RSQRT2) \
static inline __attribute__((always_inline)) F entk_angle_core_##S(F c, F *s, I *small) { \
    F one = 1; \
    *s = __builtin_elementwise_sqrt((one - c) * (one + c)); \
    F a = ENTK_SELECT(F, I, c < 0, -c, c); \
    *small = a <= RSQRT2; \
    return entk_asin_poly_##S(ENTK_SELECT(F, I, *small, c, *s)); \
} \
static inline __attribute__((always_inline)) void entk_relu_angle_##S(F c, F *theta, F *sinv) { \
    I small; \
    F asin = entk_angle_core_##S(c, sinv, &small); \
    F upper = ENTK_SELECT(F, I, c < 0, (F)(PI) - asin, asin); \
    *theta = ENTK_SELECT(F, I, small, (F)(HALF_PI) - asin, upper); \
} \
static inline __attribute__((always_inline)) void entk_asin_angle_##S(F c, F *asin, F *root) { \
    I small; \
    F p = entk_angle_core_##S(c, root, &small); \
    F big = ENTK_SELECT(F, I, c < 0, p - (F)(HALF_PI), (F)(HALF_PI) - p); \
    *asin = ENTK_SELECT(F, I, small, p, big); \
}

// Rows: n entries from i = `from` in vectors of F; returns where it stopped (a multiple of the
// lane count; the caller finishes the rest). `kTaps[j]`, `tTaps[j]` are the tap rows.
#define ENTK_ROWS(F, I, T, S) \
static inline __attribute__((always_inline)) F entk_load_##S(const T *p) { F v; __builtin_memcpy(&v, p, sizeof v); return v; } \
static inline __attribute__((always_inline)) void entk_store_##S(T *p, F v) { __builtin_memcpy(p, &v, sizeof v); } \
static inline __attribute__((always_inline)) F entk_taps_##S(const T *const *taps, long m, long i) { \
    F acc = entk_load_##S(taps[0] + i); \
    for (long j = 1; j < m; j++) acc = acc + entk_load_##S(taps[j] + i); \
    return acc; \
} \
static inline __attribute__((always_inline)) F entk_clamp_##S(F x) { \
    F one = 1, mone = -1; \
    x = ENTK_SELECT(F, I, x > one, one, x); \
    return ENTK_SELECT(F, I, x < mone, mone, x); \
} \
static inline long entk_relu_row_##S(const T *const *kTaps, const T *const *tTaps, long m, int first, \
    T kw2, T b2, T a, T beta, T sumSq, T c1, const T *s1, const T *is1, const T *s2, const T *is2, T *k, T *t, long from, long n) { \
    const long lanes = (long)(sizeof(F) / sizeof(T)); \
    long i = from; \
    for (; i + lanes <= n; i += lanes) { \
        F sk = entk_taps_##S(kTaps, m, i); \
        F tv = first ? a * sk + beta : a * sk + kw2 * entk_taps_##S(tTaps, m, i) + beta; \
        F kv = kw2 * sk + b2; \
        F c = entk_clamp_##S(kv * entk_load_##S(is1 + i) * entk_load_##S(is2 + i)); \
        F th, sn; \
        entk_relu_angle_##S(c, &th, &sn); \
        F dot = sumSq - c1 * th; \
        F amp = c1 * entk_load_##S(s1 + i) * sn; \
        entk_store_##S(k + i, amp * entk_load_##S(s2 + i) + dot * kv); \
        entk_store_##S(t + i, tv * dot); \
    } \
    return i; \
} \
static inline long entk_erf_row_##S(const T *const *kTaps, const T *const *tTaps, long m, int first, \
    T kw2, T b2, T a, T beta, T floor, const T *sp1, const T *isp1, const T *sp2, const T *isp2, T *k, T *t, long from, long n) { \
    const long lanes = (long)(sizeof(F) / sizeof(T)); \
    long i = from; \
    for (; i + lanes <= n; i += lanes) { \
        F sk = entk_taps_##S(kTaps, m, i); \
        F tv = first ? a * sk + beta : a * sk + kw2 * entk_taps_##S(tTaps, m, i) + beta; \
        F kv = kw2 * sk + b2; \
        F two = 2; \
        F c = entk_clamp_##S(kv * (two * entk_load_##S(isp1 + i)) * entk_load_##S(isp2 + i)); \
        F as, root; \
        entk_asin_angle_##S(c, &as, &root); \
        entk_store_##S(k + i, (T)(2 / 3.141592653589793) * as); \
        F den = root * entk_load_##S(sp1 + i) * entk_load_##S(sp2 + i); \
        F fl = floor; \
        den = ENTK_SELECT(F, I, den < fl, fl, den); \
        entk_store_##S(t + i, tv * ((T)(4 / 3.141592653589793) / den)); \
    } \
    return i; \
}

// Float only (32 lanes, then 16 for the rest of a row): for Double the Swift loop measured
// faster (BENCHMARKS.md, round four); the f16 polynomial is also
// `VectorMath.asinPoly(SIMD16<Float>)`'s, so its coefficients live here once.
ENTK_POLY_F(entk_float16, f16)
ENTK_POLY_F(entk_float32, f32)
ENTK_ANGLES(entk_float32, entk_int32, f32, 0x1.921fb4p+1f, 0x1.921fb4p+0f, 0.70710677f)
ENTK_ANGLES(entk_float16, entk_int16, f16, 0x1.921fb4p+1f, 0x1.921fb4p+0f, 0.70710677f)
ENTK_ROWS(entk_float32, entk_int32, float, f32)
ENTK_ROWS(entk_float16, entk_int16, float, f16)
#pragma clang fp contract(on)

/// 1 when this translation unit was compiled with FMA (for diagnostics and tests).
int entk_kernel_math_has_fma(void);

#endif
