#ifndef CTIFF_SHIM_H
#define CTIFF_SHIM_H
/* libtiff from Debian's libtiff-dev, used by the NCT-CRC-HE importer. */
#include <tiffio.h>
#endif
