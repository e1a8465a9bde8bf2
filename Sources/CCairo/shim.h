#ifndef CCAIRO_SHIM_H
#define CCAIRO_SHIM_H
/* Cairo from Debian's libcairo2-dev: the one drawing path of Plotting's PNG, SVG and PDF exports. */
#include <cairo/cairo.h>
#include <cairo/cairo-pdf.h>
#include <cairo/cairo-svg.h>
#endif
