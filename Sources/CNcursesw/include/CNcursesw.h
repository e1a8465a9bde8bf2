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
#include <stdio.h>
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

/* ---- mouse (BUTTONn_* are NCURSES_MOUSE_MASK macros) ----------------------------------- */
static inline mmask_t cn_button1_events(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t cn_button2_events(void) { return BUTTON2_PRESSED | BUTTON2_CLICKED; }
static inline mmask_t cn_button3_events(void) { return BUTTON3_PRESSED | BUTTON3_CLICKED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
/* Clicks and wheel only (no motion reports), so the terminal keeps working as usual. */
static inline mmask_t cn_mouse_mask_default(void) {
    return cn_button1_events() | cn_button2_events() | cn_button3_events()
         | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
/* getmouse() fills an MEVENT; flatten it so Swift need not know the struct layout. */
static inline int cn_getmouse(int *x, int *y, unsigned long *bstate) {
    MEVENT ev;
    if (getmouse(&ev) != OK) return ERR;
    *x = ev.x; *y = ev.y; *bstate = (unsigned long)ev.bstate;
    return OK;
}
/* wget_wch with a plain int for the status and an unsigned for the code. */
static inline int cn_get_wch(WINDOW *w, unsigned int *code) {
    wint_t wch = 0;
    int r = wget_wch(w, &wch);
    *code = (unsigned int)wch;
    return r;
}
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_key_resize(void) { return KEY_RESIZE; }
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
/* Extended colour pairs (ncurses >= 6.1): pair numbers and colours beyond 255/short. */
static inline int cn_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }
static inline int cn_init_color_rgb(int color, int r1000, int g1000, int b1000) {
    return init_extended_color(color, r1000, g1000, b1000);
}

/* newterm() instead of initscr(): initscr() exits the process on an unknown TERM, newterm()
 * returns NULL so Swift can report the error. Uses stdout/stdin (globals, hence the shim). */
static inline WINDOW *cn_start(void) {
    SCREEN *sc = newterm(NULL, stdout, stdin);
    if (sc == NULL) return NULL;
    set_term(sc);
    return stdscr;
}

/* Compiled in CNcursesw.c (a C target needs at least one source file). */
const char *cn_curses_version(void);
#endif
