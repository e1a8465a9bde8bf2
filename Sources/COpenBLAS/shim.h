#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
/*
 * OpenBLAS from Debian's libopenblas-dev. libopenblas.so.0 exports the Fortran LAPACK symbols
 * itself, but no LAPACK header is installed, so the routines entk uses are declared here
 * (Fortran ABI: everything by pointer, column-major, one hidden size_t length per CHARACTER
 * argument at the end — the gfortran convention).
 * NOTE: a .systemLibrary header is not dependency-tracked; after editing, `rm -rf .build`.
 */
#include <stddef.h>
#include <cblas.h>

void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, int *info);
#endif
