#ifndef CZLIBSHIM_H
#define CZLIBSHIM_H
/* zlib from Debian's zlib1g-dev: gzip/zlib stream inflation for NTKEngine's file readers. */
#include <zlib.h>
#endif
