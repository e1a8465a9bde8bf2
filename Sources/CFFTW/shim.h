#ifndef CFFTW_SHIM_H
#define CFFTW_SHIM_H
/*
 * FFTW3 (double precision) from Debian's libfftw3-dev, for the SO(3) kernels' transforms along
 * α and γ (Sources/NTKEngine/SO3/SO3FastKernel.swift). FFTW's planner is not thread-safe: entk
 * creates plans only under the lock in `SO3FFTPlan.plan(bandwidth:sign:)`; executing a plan
 * (fftw_execute_dft) is thread-safe.
 * NOTE: a .systemLibrary header is not dependency-tracked; after editing, `rm -rf .build`.
 */
#include <fftw3.h>
#endif
