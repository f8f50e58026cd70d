/*
 * reusePortSocket(address, port, backlog): a TCP socket with SO_REUSEPORT bound to a numeric
 * address, listening when backlog is a number and only bound when it is null. Returns
 * { fd, port } (port is the bound one, so port 0 can be resolved once and shared).
 *
 * Why native: Node 20's net has no reusePort option, and SO_REUSEPORT must be set before bind().
 * Each worker process opens its own socket on the same port and hands the fd to
 * server.listen({ fd }); the kernel then spreads new connections over the workers' accept queues.
 * The primary holds a bound socket that never listens: it resolves port 0 once for all workers and
 * keeps the port bound while a worker restarts, without ever being offered a connection.
 *
 * Failures throw an Error whose code is the errno name (EADDRINUSE, EACCES, ...).
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

static const char *reuseport_errno_code(int err) {
  switch (err) {
  case EADDRINUSE: return "EADDRINUSE";
  case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case EINVAL: return "EINVAL";
  case EMFILE: return "EMFILE";
  case ENFILE: return "ENFILE";
  case ENOBUFS: return "ENOBUFS";
  case ENOMEM: return "ENOMEM";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case ENOPROTOOPT: return "ENOPROTOOPT";
  case ENOSYS: return "ENOSYS";
  default: return "EUNKNOWN";
  }
}

static napi_value reuseport_throw(napi_env env, const char *step, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s failed: %s (errno %d)", step, strerror(err), err);
  napi_throw_error(env, reuseport_errno_code(err), message);
  return NULL;
}

static napi_value reuse_port_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char address[64];
  size_t address_len = 0;
  int32_t port = -1, backlog = -1;
  napi_valuetype backlog_type = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3 ||
      napi_get_value_string_latin1(env, argv[0], address, sizeof address, &address_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 0 || port > 65535 ||
      napi_typeof(env, argv[2], &backlog_type) != napi_ok ||
      (backlog_type != napi_null &&
       (napi_get_value_int32(env, argv[2], &backlog) != napi_ok || backlog < 1))) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "reusePortSocket(address: numeric IP, port: 0-65535, backlog: number >= 1 | null)");
    return NULL;
  }
#ifdef __linux__
  struct sockaddr_storage storage;
  socklen_t len;
  memset(&storage, 0, sizeof storage);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
  if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    len = sizeof *v6;
  } else {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "reusePortSocket: address is not a numeric IP");
    return NULL;
  }
  /* CLOEXEC: the primary's port-holding socket must not leak into the worker processes it spawns. */
  int fd = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return reuseport_throw(env, "socket()", errno);
  int on = 1, off = 0;
  const char *step = NULL;
  /* SO_REUSEADDR as libuv sets it: a restart must not wait out the TIME_WAIT connections of the port
   * (the proxy closes denied connections first, so they are on our side). */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) step = "setsockopt(SO_REUSEADDR)";
  else if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) step = "setsockopt(SO_REUSEPORT)";
  /* "::" accepts IPv4 too, as Node's listen() does unless ipv6Only is asked for. */
  else if (storage.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0)
    step = "setsockopt(IPV6_V6ONLY)";
  else if (bind(fd, (struct sockaddr *)&storage, len) != 0) step = "bind()";
  else if (backlog_type != napi_null && listen(fd, backlog) != 0) step = "listen()";
  if (step != NULL) {
    int err = errno;
    close(fd);
    return reuseport_throw(env, step, err);
  }
  len = sizeof storage;
  if (getsockname(fd, (struct sockaddr *)&storage, &len) != 0) {
    int err = errno;
    close(fd);
    return reuseport_throw(env, "getsockname()", err);
  }
  unsigned bound_port = ntohs(storage.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  napi_value result, js_fd, js_port;
  if (napi_create_object(env, &result) != napi_ok || napi_create_int32(env, fd, &js_fd) != napi_ok ||
      napi_create_uint32(env, bound_port, &js_port) != napi_ok ||
      napi_set_named_property(env, result, "fd", js_fd) != napi_ok ||
      napi_set_named_property(env, result, "port", js_port) != napi_ok) {
    close(fd);
    return NULL;
  }
  return result;
#else
  (void)address_len;
  return reuseport_throw(env, "SO_REUSEPORT", ENOSYS);
#endif
}

/* Called once from the addon's init (original_dst.c). */
napi_status register_reuseport(napi_env env, napi_value exports) {
  napi_value fn;
  napi_status status = napi_create_function(env, "reusePortSocket", NAPI_AUTO_LENGTH, reuse_port_socket, NULL, &fn);
  if (status != napi_ok) return status;
  return napi_set_named_property(env, exports, "reusePortSocket", fn);
}
