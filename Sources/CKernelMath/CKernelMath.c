#include "CKernelMath.h"

int entk_kernel_math_has_fma(void) {
#if defined(__FMA__)
    return 1;
#else
    return 0;
#endif
}
