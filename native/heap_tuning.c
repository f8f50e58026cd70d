/*
 * Heap thresholds, set once when the addon loads (before any tunnel allocates a read buffer).
 *
 * Why: V8 frees Node's socket read buffers, glibc then trims the heap top back to the kernel and
 * the next reads fault it in again (about half the CPU of a busy relay went to those page faults).
 * A trim threshold of 64 MiB keeps the heap top; M_MMAP_THRESHOLD is set too because setting it
 * also turns off glibc's dynamic threshold, which otherwise moves with every large free. glibc caps
 * the mmap threshold at 32 MiB on 64-bit (HEAP_MAX_SIZE / 2), so 64 MiB is tried first, then 32.
 *
 * heapTuning() reports what was done: { applied, trimThreshold, mmapThreshold }.
 */
#include "heap_tuning.h"

#include <stdint.h>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#define HAVE_MALLOPT 1
#endif

#define MiB (1024 * 1024)

static int applied = 0;
static int64_t trim_threshold = -1;
static int64_t mmap_threshold = -1;

static void tune_heap(void) {
#ifdef HAVE_MALLOPT
  if (mallopt(M_TRIM_THRESHOLD, 64 * MiB) == 1) trim_threshold = 64 * MiB;
  if (mallopt(M_MMAP_THRESHOLD, 64 * MiB) == 1) mmap_threshold = 64 * MiB;
  else if (mallopt(M_MMAP_THRESHOLD, 32 * MiB) == 1) mmap_threshold = 32 * MiB;
  applied = trim_threshold > 0 && mmap_threshold > 0;
#endif
}

static napi_value heap_tuning(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, js_applied, js_trim, js_mmap;
  if (napi_create_object(env, &result) != napi_ok || napi_get_boolean(env, applied, &js_applied) != napi_ok ||
      napi_create_int64(env, trim_threshold, &js_trim) != napi_ok ||
      napi_create_int64(env, mmap_threshold, &js_mmap) != napi_ok ||
      napi_set_named_property(env, result, "applied", js_applied) != napi_ok ||
      napi_set_named_property(env, result, "trimThreshold", js_trim) != napi_ok ||
      napi_set_named_property(env, result, "mmapThreshold", js_mmap) != napi_ok) {
    return NULL;
  }
  return result;
}

napi_status register_heap_tuning(napi_env env, napi_value exports) {
  static int done = 0;
  // Once per process: a second env (a worker thread) loading the addon changes nothing.
  if (!done) {
    done = 1;
    tune_heap();
  }
  napi_value fn;
  napi_status status = napi_create_function(env, "heapTuning", NAPI_AUTO_LENGTH, heap_tuning, NULL, &fn);
  if (status != napi_ok) return status;
  return napi_set_named_property(env, exports, "heapTuning", fn);
}
