// See include/cmpi.h. mpi.h supplies the OpenMPI types and constants; the functions and the
// predefined handles (MPI_COMM_WORLD = &ompi_mpi_comm_world, MPI_DOUBLE = &ompi_mpi_double)
// are looked up with dlsym, so nothing here links against libmpi.
#include "cmpi.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>

typedef int (*init_thread_fn)(int *, char ***, int, int *);
typedef int (*comm_int_fn)(MPI_Comm, int *);
typedef int (*send_fn)(const void *, int, MPI_Datatype, int, int, MPI_Comm);
typedef int (*recv_fn)(void *, int, MPI_Datatype, int, int, MPI_Comm, MPI_Status *);
typedef int (*iprobe_fn)(int, int, MPI_Comm, int *, MPI_Status *);
typedef int (*probe_fn)(int, int, MPI_Comm, MPI_Status *);
typedef int (*get_count_fn)(const MPI_Status *, MPI_Datatype, int *);
typedef int (*abort_fn)(MPI_Comm, int);
typedef int (*finalize_fn)(void);
typedef int (*error_string_fn)(int, char *, int *);

static struct {
    void *lib;
    MPI_Comm world;
    MPI_Datatype dbl;
    init_thread_fn init_thread;
    comm_int_fn rank, size;
    send_fn send;
    recv_fn recv;
    iprobe_fn iprobe;
    probe_fn probe;
    get_count_fn get_count;
    abort_fn abort_;
    finalize_fn finalize;
    error_string_fn error_string;
} M;

#define LOOKUP(field, name) do { \
    *(void **)(&M.field) = dlsym(M.lib, name); \
    if (!M.field) { snprintf(err, (size_t)errlen, "libmpi has no symbol %s", name); return 2; } \
} while (0)

int entk_mpi_load(char *err, int errlen) {
    if (M.lib) return 0;
    const char *override = getenv("ENTK_LIBMPI");
    const char *names[] = { override, "libmpi.so.40", "libmpi.so" };
    for (int i = 0; i < 3 && !M.lib; i++) {
        if (!names[i] || !names[i][0]) continue;
        // RTLD_GLOBAL: OpenMPI's own plugins (dlopened by libmpi) resolve libmpi symbols globally.
        M.lib = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    }
    if (!M.lib) {
        const char *e = dlerror();
        snprintf(err, (size_t)errlen, "cannot load OpenMPI (libmpi.so.40): %s; install openmpi-bin and libopenmpi-dev (make deps) or set ENTK_LIBMPI", e ? e : "not found");
        return 1;
    }
    void *world = dlsym(M.lib, "ompi_mpi_comm_world");
    void *dbl = dlsym(M.lib, "ompi_mpi_double");
    if (!world || !dbl) { snprintf(err, (size_t)errlen, "libmpi is not OpenMPI (no ompi_mpi_comm_world)"); return 2; }
    M.world = (MPI_Comm)world;
    M.dbl = (MPI_Datatype)dbl;
    LOOKUP(init_thread, "MPI_Init_thread");
    LOOKUP(rank, "MPI_Comm_rank");
    LOOKUP(size, "MPI_Comm_size");
    LOOKUP(send, "MPI_Send");
    LOOKUP(recv, "MPI_Recv");
    LOOKUP(iprobe, "MPI_Iprobe");
    LOOKUP(probe, "MPI_Probe");
    LOOKUP(get_count, "MPI_Get_count");
    LOOKUP(abort_, "MPI_Abort");
    LOOKUP(finalize, "MPI_Finalize");
    LOOKUP(error_string, "MPI_Error_string");
    return 0;
}

int entk_mpi_init(int *provided) {
    if (!M.lib) return -1;
    return M.init_thread(NULL, NULL, MPI_THREAD_FUNNELED, provided);
}
int entk_mpi_rank(int *rank) { return M.lib ? M.rank(M.world, rank) : -1; }
int entk_mpi_size(int *size) { return M.lib ? M.size(M.world, size) : -1; }

int entk_mpi_send_doubles(const double *buf, int count, int dest, int tag) {
    return M.lib ? M.send(buf, count, M.dbl, dest, tag, M.world) : -1;
}

int entk_mpi_iprobe(int tag, int *flag, int *source, int *count) {
    if (!M.lib) return -1;
    MPI_Status st;
    int rc = M.iprobe(MPI_ANY_SOURCE, tag, M.world, flag, &st);
    if (rc != MPI_SUCCESS || !*flag) return rc;
    *source = st.MPI_SOURCE;
    return M.get_count(&st, M.dbl, count);
}

int entk_mpi_probe(int source, int tag, int *count) {
    if (!M.lib) return -1;
    MPI_Status st;
    int rc = M.probe(source, tag, M.world, &st);
    if (rc != MPI_SUCCESS) return rc;
    return M.get_count(&st, M.dbl, count);
}

int entk_mpi_recv_doubles(double *buf, int count, int source, int tag) {
    if (!M.lib) return -1;
    MPI_Status st;
    return M.recv(buf, count, M.dbl, source, tag, M.world, &st);
}

int entk_mpi_abort(int code) { return M.lib ? M.abort_(M.world, code) : -1; }
int entk_mpi_finalize(void) { return M.lib ? M.finalize() : -1; }

void entk_mpi_error_string(int code, char *out, int outlen) {
    if (outlen <= 0) return;
    out[0] = 0;
    if (!M.lib || outlen < MPI_MAX_ERROR_STRING) {
        snprintf(out, (size_t)outlen, "MPI error %d", code);
        return;
    }
    int len = 0;
    if (M.error_string(code, out, &len) != MPI_SUCCESS) snprintf(out, (size_t)outlen, "MPI error %d", code);
}
