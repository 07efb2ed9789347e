// workbench_gemm: OpenBLAS sgemm on a Float32Array (the TF.js WASM heap), for trainer/compute/fast-wasm.ts.
//
// OpenBLAS is dlopen'ed at run time rather than linked, so the addon builds without BLAS headers
// or a BLAS library and loads where neither exists (info() then says why). Only OpenBLAS is
// accepted (it exports openblas_get_config): Debian's reference BLAS answers to the same
// libblas.so.3 name and is about 20x slower. OpenBLAS runs single-threaded (our data-parallel
// workers give each thread its own replica), which also makes its results deterministic.
// Plain N-API, context-aware (NAPI_MODULE_INIT): the same binary loads in Node, in worker
// threads and in Electron without a rebuild.
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

// The CBLAS prototype (from cblas.h, which we do not need installed). blasint is int in the
// LP64 builds Debian and Homebrew ship (libopenblas64 would name its symbols cblas_sgemm64_).
enum { CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112 };
typedef void (*sgemm_fn)(int order, int transA, int transB, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*set_threads_fn)(int);
typedef char *(*get_config_fn)(void);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm = NULL;
static char library_path[4096];
static char config[512];
static char load_error[2048];

static const char *const candidates[] = {
#ifdef __APPLE__
    "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
    "/usr/local/opt/openblas/lib/libopenblas.dylib",
    "libopenblas.dylib",
#else
    "libopenblas.so.0",
    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0",
    "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
    "libopenblas.so",
#endif
    NULL,
};

static void append_error(const char *fmt, const char *a, const char *b) {
  size_t used = strlen(load_error);
  if (used > 0 && used + 2 < sizeof load_error) {
    strcpy(load_error + used, "; ");
    used += 2;
  }
  if (used + 1 < sizeof load_error) snprintf(load_error + used, sizeof load_error - used, fmt, a, b);
}

// Try one library: keep it only if it is OpenBLAS with the symbols we call.
static int try_library(const char *name) {
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    append_error("%s: %s", name, e ? e : "cannot open");
    return 0;
  }
  get_config_fn get_config = (get_config_fn)dlsym(h, "openblas_get_config");
  set_threads_fn set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
  sgemm_fn fn = (sgemm_fn)dlsym(h, "cblas_sgemm");
  if (!get_config || !set_threads || !fn) {
    append_error("%s: %s", name, !get_config ? "not OpenBLAS (no openblas_get_config)" : "lacks cblas_sgemm/openblas_set_num_threads");
    dlclose(h);
    return 0;
  }
  set_threads(1);
  Dl_info where;
  const char *path = dladdr((void *)fn, &where) && where.dli_fname ? where.dli_fname : name;
  char *real = realpath(path, NULL);
  snprintf(library_path, sizeof library_path, "%s", real ? real : path);
  free(real);
  const char *cfg = get_config();
  snprintf(config, sizeof config, "%s", cfg ? cfg : "OpenBLAS");
  sgemm = fn;
  return 1;
}

static void load_openblas(void) {
  // OpenBLAS's pthread build starts a pool of one thread per core when it loads unless told
  // otherwise; we never use it. The variable is restored so child processes see what they saw.
  const char *prev = getenv("OPENBLAS_NUM_THREADS");
  char *saved = prev ? strdup(prev) : NULL;
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  const char *override = getenv("WORKBENCH_OPENBLAS");
  if (override && *override) {
    try_library(override);
  } else {
    for (int i = 0; candidates[i] && !sgemm; i++) try_library(candidates[i]);
  }
  if (saved) {
    setenv("OPENBLAS_NUM_THREADS", saved, 1);
    free(saved);
  } else {
    unsetenv("OPENBLAS_NUM_THREADS");
  }
}

// ---------------------------------------------------------------------------------------------

static napi_value throw_error(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
  return obj;
}

// info() -> { ok: true, library, config } | { ok: false, error }
static napi_value info(napi_env env, napi_callback_info cb) {
  (void)cb;
  pthread_once(&load_once, load_openblas);
  napi_value obj, ok;
  napi_create_object(env, &obj);
  napi_get_boolean(env, sgemm != NULL, &ok);
  napi_set_named_property(env, obj, "ok", ok);
  if (sgemm) {
    set_string(env, obj, "library", library_path);
    set_string(env, obj, "config", config);
  } else {
    set_string(env, obj, "error", load_error[0] ? load_error : "no OpenBLAS library found");
  }
  return obj;
}

// sgemmBatched(heap: Float32Array, aAt, bAt, cAt, batch, strideA, strideB, strideC, m, n, k, transA, transB)
// For i < batch: C_i[m,n] = op(A_i) @ op(B_i), row-major, where X_i starts at heap[xAt + i*strideX]
// (offsets and strides in floats; a stride of 0 broadcasts one matrix over the batch) and
// op transposes when the flag is set (A_i stored [k,m], B_i stored [n,k]). The heap is read
// fresh on every call: WASM memory can grow, which replaces its buffer.
static napi_value sgemm_batched(napi_env env, napi_callback_info cb) {
  size_t argc = 13;
  napi_value argv[13];
  if (napi_get_cb_info(env, cb, &argc, argv, NULL, NULL) != napi_ok || argc != 13) {
    return throw_error(env, "sgemmBatched: expected 13 arguments (heap, aAt, bAt, cAt, batch, strideA, strideB, strideC, m, n, k, transA, transB)");
  }
  pthread_once(&load_once, load_openblas);
  if (!sgemm) return throw_error(env, "sgemmBatched: OpenBLAS is not loaded (see info())");

  bool is_typed = false;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed) return throw_error(env, "sgemmBatched: heap must be a Float32Array");
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    return throw_error(env, "sgemmBatched: heap must be a Float32Array");
  }
  if (!data) return throw_error(env, "sgemmBatched: heap is detached (WASM memory grew: pass the current HEAPF32)");
  int64_t v[10];
  static const char *const names[10] = {"aAt", "bAt", "cAt", "batch", "strideA", "strideB", "strideC", "m", "n", "k"};
  for (int i = 0; i < 10; i++) {
    if (napi_get_value_int64(env, argv[1 + i], &v[i]) != napi_ok || v[i] < 0) {
      char msg[96];
      snprintf(msg, sizeof msg, "sgemmBatched: %s must be a non-negative integer", names[i]);
      return throw_error(env, msg);
    }
  }
  bool ta = false, tb = false;
  if (napi_get_value_bool(env, argv[11], &ta) != napi_ok || napi_get_value_bool(env, argv[12], &tb) != napi_ok) {
    return throw_error(env, "sgemmBatched: transA and transB must be booleans");
  }
  const int64_t aAt = v[0], bAt = v[1], cAt = v[2], batch = v[3], sA = v[4], sB = v[5], sC = v[6], m = v[7], n = v[8], k = v[9];
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return throw_error(env, "sgemmBatched: m, n, k must fit in 32 bits");
  if (batch == 0 || m == 0 || n == 0) return NULL;
  // Every slice must lie inside the heap: a bad offset would write over the WASM memory's neighbours.
  const int64_t len = (int64_t)length;
  if (aAt + (batch - 1) * sA + m * k > len || bAt + (batch - 1) * sB + k * n > len || cAt + (batch - 1) * sC + m * n > len) {
    return throw_error(env, "sgemmBatched: an operand lies outside the heap");
  }
  float *heap = (float *)data;
  if (k == 0) {  // an empty sum; BLAS would refuse the leading dimension 0
    for (int64_t i = 0; i < batch; i++) memset(heap + cAt + i * sC, 0, (size_t)(m * n) * sizeof(float));
    return NULL;
  }
  const int lda = (int)(ta ? m : k), ldb = (int)(tb ? k : n), ldc = (int)n;
  for (int64_t i = 0; i < batch; i++) {
    sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
          heap + aAt + i * sA, lda, heap + bAt + i * sB, ldb, 0.0f, heap + cAt + i * sC, ldc);
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"info", NULL, info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgemmBatched", NULL, sgemm_batched, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
