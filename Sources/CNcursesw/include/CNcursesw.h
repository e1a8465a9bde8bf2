#ifndef CNCURSESW_H
#define CNCURSESW_H
/*
 * Swift-facing wrapper around the wide-character ncurses (libncursesw, Debian libncurses-dev).
 *
 * 1. NCURSES_WIDECHAR must be 1 *before* curses.h, otherwise cchar_t, setcchar, mvadd_wch,
 *    get_wch, WACS_* are not declared. `pkg-config ncursesw` would pass -D_XOPEN_SOURCE=600,
 *    but SwiftPM drops -D flags from pkg-config ("warning: prohibited flag(s)"), so define it here.
 * 2. Swift cannot import function-like macros (COLOR_PAIR, getmaxyx, KEY_F, A_BOLD, ACS_*):
 *    static inline wrappers below are imported as ordinary Swift functions.
 * 3. Swift 6 language mode rejects reads of mutable C globals (stdscr, COLS, LINES, COLORS,
 *    COLOR_PAIRS, acs_map): "reference to var 'stdscr' is not concurrency-safe". Use the
 *    accessor functions (or `@preconcurrency import CNcursesw`).
 * This is a regular C target (not .systemLibrary): SwiftPM tracks edits to this header and
 * rebuilds dependents; a .systemLibrary module-map header is NOT tracked (stale builds).
 */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* ---- mutable globals ---------------------------------------------------------------- */
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }

/* ---- macros ---------------------------------------------------------------------------- */
static inline int cn_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline void cn_getmaxyx(WINDOW *w, int *rows, int *cols) {
    int y, x; getmaxyx(w, y, x); *rows = y; *cols = x;
}
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
/* ACS_* are acs_map[] lookups: valid only after initscr(). */
static inline chtype cn_acs_hline(void) { return ACS_HLINE; }
static inline chtype cn_acs_vline(void) { return ACS_VLINE; }
static inline chtype cn_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype cn_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype cn_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype cn_acs_lrcorner(void) { return ACS_LRCORNER; }
static inline chtype cn_acs_ckboard(void) { return ACS_CKBOARD; }
static inline chtype cn_acs_block(void) { return ACS_BLOCK; }

/* ---- wide characters with extended colour pairs ----------------------------------------
 * chtype/attr_t only hold pair numbers 0..255; setcchar()/wattr_set() take the real
 * (int) pair through their `opts` pointer (ncurses >= 6.1 extension). */
static inline int cn_put_wch(WINDOW *w, int y, int x, wchar_t ch, attr_t attrs, int pair) {
    cchar_t cc;
    wchar_t s[2] = { ch, L'\0' };
    if (setcchar(&cc, s, attrs, 0, &pair) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cc);
}
static inline int cn_attr_set(WINDOW *w, attr_t attrs, int pair) {
    return wattr_set(w, attrs, 0, &pair);
}
/* RGB "direct colour" terminals (TERM=xterm-direct, tmux-direct; terminfo flag RGB):
 * COLORS == 2^24 and a colour number *is* 0xRRGGBB. */
static inline int cn_has_direct_color(void) {
    return tigetflag("RGB") > 0 || COLORS >= 0x1000000;
}

/* Compiled in CNcursesw.c (a C target needs at least one source file). */
const char *cn_curses_version(void);
#endif
