#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
/* libpng 1.6 from Debian's libpng-dev, used by Plotting for PNG export. */
#include <png.h>
#endif
