#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

// MHD_start_daemon and MHD_get_*_info are variadic or return unions, which Swift cannot
// call or read directly; these fixed-arity wrappers are all the emulator needs.

// Starts a daemon with an internal polling thread (threads <= 1) or a pool of `threads`,
// listening on the numeric IPv4 or IPv6 address `host` (never a wildcard) and `port`
// (0 picks a free port). Suspend/resume is enabled for injected latency.
// Returns NULL when the address does not parse or the daemon cannot start.
static inline struct MHD_Daemon *shim_mhd_start(
    const char *host, unsigned short port, unsigned int threads,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls) {
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
  const struct sockaddr *addr;
  unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
  memset(&v4, 0, sizeof v4);
  memset(&v6, 0, sizeof v6);
  if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    addr = (const struct sockaddr *)&v4;
  } else if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    addr = (const struct sockaddr *)&v6;
    flags |= MHD_USE_IPv6;
  } else {
    return NULL;
  }
  return MHD_start_daemon(
      flags, port, NULL, NULL, handler, handler_cls,
      MHD_OPTION_SOCK_ADDR, addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
      MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
      MHD_OPTION_END);
}

// The port the daemon really listens on (useful after asking for port 0).
static inline unsigned short shim_mhd_port(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info ? info->port : 0;
}

// Writes the client's numeric address into `out` (at least INET6_ADDRSTRLEN bytes).
static inline void shim_mhd_client_ip(struct MHD_Connection *connection, char *out,
                                      unsigned int size) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  out[0] = 0;
  if (!info || !info->client_addr) return;
  if (info->client_addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)info->client_addr)->sin_addr, out, size);
  } else if (info->client_addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)info->client_addr)->sin6_addr, out,
              size);
  }
}

// A response whose length is unknown (sent chunked), read block by block from `reader`.
static inline struct MHD_Response *shim_mhd_streaming_response(
    size_t block_size, MHD_ContentReaderCallback reader, void *cls,
    MHD_ContentReaderFreeCallback free_cls) {
  return MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, block_size, reader, cls,
                                           free_cls);
}

// The reader's "no more data" answer, a macro Swift cannot import.
static inline ssize_t shim_mhd_end_of_stream(void) { return MHD_CONTENT_READER_END_OF_STREAM; }
