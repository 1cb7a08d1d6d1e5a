#include <zlib.h>

// inflateInit2/deflateInit2 are macros that Swift cannot import.
static inline int shim_inflate_init_gzip(z_stream *s) {
  return inflateInit2(s, 15 + 32);
}

static inline int shim_deflate_init_gzip(z_stream *s, int level) {
  return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
