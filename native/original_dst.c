/*
 * getOriginalDst(fd, family): the destination a connection had before an iptables/nftables
 * REDIRECT or DNAT sent it to us, read with getsockopt(SO_ORIGINAL_DST). Needs a full
 * sockaddr-sized buffer, which generic sockopt bindings do not pass (they get EINVAL).
 *
 * Returns { address, port }, or null when the kernel has no NAT record for the connection
 * (ENOENT: it was not redirected). Other failures throw an Error whose code is the errno name,
 * so the caller can tell "not redirected" from "cannot ask".
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include "heap_tuning.h"
#include "splice_relay.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* From linux/netfilter_ipv4.h and linux/netfilter_ipv6/ip6_tables.h; those headers clash with
 * netinet/in.h on some libcs, and the values are ABI. */
#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST 80
#endif
#ifndef IP6T_SO_ORIGINAL_DST
#define IP6T_SO_ORIGINAL_DST 80
#endif
#endif

static const char *errno_code(int err) {
  switch (err) {
  case ENOENT: return "ENOENT";
  case EBADF: return "EBADF";
  case ENOTSOCK: return "ENOTSOCK";
  case ENOPROTOOPT: return "ENOPROTOOPT";
  case EINVAL: return "EINVAL";
  case EFAULT: return "EFAULT";
  case ENOTCONN: return "ENOTCONN";
  case EAFNOSUPPORT: return "EAFNOSUPPORT";
  case EPERM: return "EPERM";
  case ENOSYS: return "ENOSYS";
  default: return "EUNKNOWN";
  }
}

static napi_value throw_errno(napi_env env, int err) {
  char message[160];
  snprintf(message, sizeof message, "getsockopt(SO_ORIGINAL_DST) failed: %s (errno %d)", strerror(err), err);
  napi_throw_error(env, errno_code(err), message);
  return NULL;
}

static napi_value make_result(napi_env env, const char *address, unsigned port) {
  napi_value result, js_address, js_port;
  if (napi_create_object(env, &result) != napi_ok ||
      napi_create_string_latin1(env, address, NAPI_AUTO_LENGTH, &js_address) != napi_ok ||
      napi_create_uint32(env, port, &js_port) != napi_ok ||
      napi_set_named_property(env, result, "address", js_address) != napi_ok ||
      napi_set_named_property(env, result, "port", js_port) != napi_ok) {
    return NULL;
  }
  return result;
}

static napi_value get_original_dst(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1, family = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &family) != napi_ok || fd < 0 || (family != 4 && family != 6)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "getOriginalDst(fd: number >= 0, family: 4 | 6)");
    return NULL;
  }
#ifdef __linux__
  char text[INET6_ADDRSTRLEN];
  if (family == 4) {
    struct sockaddr_in dst;
    socklen_t len = sizeof dst;
    memset(&dst, 0, sizeof dst);
    if (getsockopt(fd, IPPROTO_IP, SO_ORIGINAL_DST, &dst, &len) != 0) {
      int err = errno;
      if (err == ENOENT) goto not_redirected;
      return throw_errno(env, err);
    }
    if (dst.sin_family != AF_INET || inet_ntop(AF_INET, &dst.sin_addr, text, sizeof text) == NULL) {
      return throw_errno(env, EAFNOSUPPORT);
    }
    return make_result(env, text, ntohs(dst.sin_port));
  } else {
    struct sockaddr_in6 dst;
    socklen_t len = sizeof dst;
    memset(&dst, 0, sizeof dst);
    if (getsockopt(fd, IPPROTO_IPV6, IP6T_SO_ORIGINAL_DST, &dst, &len) != 0) {
      int err = errno;
      if (err == ENOENT) goto not_redirected;
      return throw_errno(env, err);
    }
    if (dst.sin6_family != AF_INET6 || inet_ntop(AF_INET6, &dst.sin6_addr, text, sizeof text) == NULL) {
      return throw_errno(env, EAFNOSUPPORT);
    }
    return make_result(env, text, ntohs(dst.sin6_port));
  }
not_redirected:
#endif
  {
    napi_value null_value;
    napi_get_null(env, &null_value);
    return null_value;
  }
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "getOriginalDst", NAPI_AUTO_LENGTH, get_original_dst, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "getOriginalDst", fn) != napi_ok) {
    return NULL;
  }
  { napi_status register_reuseport(napi_env, napi_value); if (register_reuseport(env, exports) != napi_ok) return NULL; }
  if (register_heap_tuning(env, exports) != napi_ok) return NULL;
#ifdef __linux__
  if (register_splice_relay(env, exports) != napi_ok) return NULL;
#endif
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
