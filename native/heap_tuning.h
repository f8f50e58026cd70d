#ifndef EGRESSGATE_HEAP_TUNING_H
#define EGRESSGATE_HEAP_TUNING_H
#define NAPI_VERSION 8
#include <node_api.h>

/* Sets glibc's trim/mmap thresholds (once per process) and exports heapTuning(). */
napi_status register_heap_tuning(napi_env env, napi_value exports);

#endif
