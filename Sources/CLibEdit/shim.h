#include <fcntl.h>
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

// el_wset, el_wget and history_w are C variadics, which Swift cannot call. Each use
// gets a fixed-arity wrapper here. The wide (wchar_t) entry points are used throughout
// so that libedit edits by character, not by byte.

typedef wchar_t *(*shim_prompt_fn)(EditLine *);
typedef unsigned char (*shim_key_fn)(EditLine *, int);
typedef int (*shim_getc_fn)(EditLine *, wchar_t *);

// Swift 6 rejects Glibc's stdin/stdout/stderr globals as not concurrency-safe.
static inline FILE *shim_stdin(void) { return stdin; }
static inline FILE *shim_stdout(void) { return stdout; }
static inline FILE *shim_stderr(void) { return stderr; }

static inline int shim_el_set_editor_emacs(EditLine *el) {
  return el_wset(el, EL_EDITOR, L"emacs");
}

// `literal` brackets invisible parts of the prompt (colour escapes) so that libedit
// does not count them when it places the cursor.
static inline int shim_el_set_prompt(EditLine *el, shim_prompt_fn fn, wchar_t literal) {
  return el_wset(el, EL_PROMPT_ESC, fn, literal);
}

static inline int shim_el_set_clientdata(EditLine *el, void *data) {
  return el_wset(el, EL_CLIENTDATA, data);
}

static inline void *shim_el_get_clientdata(EditLine *el) {
  void *data = NULL;
  el_wget(el, EL_CLIENTDATA, &data);
  return data;
}

static inline int shim_el_set_getcfn(EditLine *el, shim_getc_fn fn) {
  return el_wset(el, EL_GETCFN, fn);
}

static inline int shim_el_addfn(
    EditLine *el, const wchar_t *name, const wchar_t *help, shim_key_fn fn) {
  return el_wset(el, EL_ADDFN, name, help, fn);
}

static inline int shim_el_bind(EditLine *el, const wchar_t *keys, const wchar_t *command) {
  return el_wset(el, EL_BIND, keys, command, NULL);
}

static inline int shim_el_set_history(EditLine *el, HistoryW *history) {
  return el_wset(el, EL_HIST, history_w, history);
}

static inline int shim_el_refresh(EditLine *el) { return el_wset(el, EL_REFRESH); }

// 1 puts the terminal in libedit's editing mode, 0 restores the mode it found.
static inline int shim_el_prep_term(EditLine *el, int on) {
  return el_wset(el, EL_PREP_TERM, on);
}

static inline int shim_hist_set_size(HistoryW *h, int size) {
  HistEventW ev;
  return history_w(h, &ev, H_SETSIZE, size);
}

static inline int shim_hist_set_unique(HistoryW *h, int unique) {
  HistEventW ev;
  return history_w(h, &ev, H_SETUNIQUE, unique);
}

static inline int shim_hist_enter(HistoryW *h, const wchar_t *line) {
  HistEventW ev;
  return history_w(h, &ev, H_ENTER, line);
}

static inline int shim_hist_clear(HistoryW *h) {
  HistEventW ev;
  return history_w(h, &ev, H_CLEAR);
}

// glibc declares wcwidth only under _XOPEN_SOURCE; a matching declaration is harmless.
int wcwidth(wchar_t c);

static inline int shim_wcwidth(wchar_t c) { return wcwidth(c); }

// ioctl is variadic too. Returns 0 when `fd` is not a terminal or reports no size.
static inline int shim_terminal_columns(int fd) {
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

static inline int shim_terminal_rows(int fd) {
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_row;
}

// A pipe whose ends never block and are closed on exec; used to wake a poll() from a
// signal handler. fcntl is variadic, hence the shim.
static inline int shim_nonblocking_pipe(int fds[2]) {
  if (pipe(fds) != 0) return -1;
  for (int i = 0; i < 2; i++) {
    fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    fcntl(fds[i], F_SETFD, FD_CLOEXEC);
  }
  return 0;
}

// Installs `handler` for `signo`. Without SA_RESTART a blocking read() returns EINTR,
// which is how a Ctrl-C reaches the line editor. The previous action goes to `old`.
static inline int shim_install_handler(
    int signo, void (*handler)(int), int restart, struct sigaction *old) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = restart ? SA_RESTART : 0;
  return sigaction(signo, &sa, old);
}

static inline int shim_restore_handler(int signo, const struct sigaction *old) {
  return sigaction(signo, old, NULL);
}

static inline int shim_set_default_handler(int signo) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  return sigaction(signo, &sa, NULL);
}
