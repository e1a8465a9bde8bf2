#ifndef ENTK_CMPI_H
#define ENTK_CMPI_H

// A tiny OpenMPI shim loaded at run time with dlopen, so that a plain `entk` run (not under
// mpirun) neither links nor loads libmpi: its start-up is unchanged and the binary runs on
// machines without OpenMPI. Every function returns 0 on success (MPI_SUCCESS) or an error code;
// entk_mpi_load returns non-zero with a message in `err` when libmpi cannot be loaded.
// Only the calls entk needs: init/finalize/abort, rank/size, and point-to-point messages of
// doubles on MPI_COMM_WORLD.

int entk_mpi_load(char *err, int errlen);
/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI); `provided` gets
/// the level the library grants.
int entk_mpi_init(int *provided);
int entk_mpi_rank(int *rank);
int entk_mpi_size(int *size);
int entk_mpi_send_doubles(const double *buf, int count, int dest, int tag);
/// Non-blocking probe for a message with `tag` from any source; `flag` 1 when one is waiting,
/// then `source` and `count` (in doubles) describe it.
int entk_mpi_iprobe(int tag, int *flag, int *source, int *count);
/// Blocking probe for a message with `tag` from `source`.
int entk_mpi_probe(int source, int tag, int *count);
int entk_mpi_recv_doubles(double *buf, int count, int source, int tag);
int entk_mpi_abort(int code);
int entk_mpi_finalize(void);
/// A readable message for an MPI error code (empty when the library is not loaded).
void entk_mpi_error_string(int code, char *out, int outlen);

#endif
