#ifndef EGRESSGATE_SPLICE_RELAY_H
#define EGRESSGATE_SPLICE_RELAY_H
#define NAPI_VERSION 8
#include <node_api.h>

/* Exports relayCreate, relayAdd, relayClose, relayRef, relayUnref and relayDestroy. */
napi_status register_splice_relay(napi_env env, napi_value exports);

#endif
