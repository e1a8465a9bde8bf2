#include "CNcursesw.h"

const char *cn_curses_version(void) { return curses_version(); }
