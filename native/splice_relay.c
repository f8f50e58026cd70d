/*
 * A tunnel relay on one native thread: splice(2) from each socket into a pipe and from the pipe into
 * the other socket, so tunnel bytes never cross into user space. One engine per app:
 *
 *   relayCreate(onEvents, progressMs) -> engine     starts the thread
 *   relayAdd(engine, clientFd, upstreamFd, idleMs, toUpstream, toClient) -> id
 *       dup()s both descriptors (the caller then destroys its own sockets: closing Node's fd does
 *       not close the connection while our dup holds the file description, and Node's destroy()
 *       never calls shutdown()), and first writes the bytes Node had already read.
 *   relayClose(engine, id, reason)                  ends one tunnel from JS (drain, reload, limits)
 *   relayRef / relayUnref(engine)                   keep the event loop alive while tunnels exist
 *   relayDestroy(engine)                            closes every tunnel (reason 5) and joins the thread
 *
 * onEvents(Float64Array) receives records of five numbers: [type, id, out, in, reason], type 1 =
 * progress (bytes moved since the last report), type 2 = close (totals). `out` is what was written
 * to the upstream socket, `in` what was read from it: the same things Node's socket counters count.
 *
 * Pipes come from a pool and are held only while bytes sit in them: an idle tunnel holds its two
 * socket descriptors and nothing else. Reasons: 1 client_closed, 2 upstream_closed, 3 idle_timeout,
 * 4 error; JS passes its own codes to relayClose (the first reason set wins, as in the JS relay).
 */
#define _GNU_SOURCE
#include "splice_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { R_CLIENT = 1, R_UPSTREAM = 2, R_IDLE = 3, R_ERROR = 4, R_DRAINED = 5 };
enum { EV_PROGRESS = 1, EV_CLOSE = 2 };
#define CHUNK (1 << 20)
#define PIPE_SIZE (1 << 20)
#define POOL_MAX 64
#define BUDGET 32 /* splice calls per tunnel before others get a turn */

typedef struct {
  int r, w;
} pipe_pair;

typedef struct {
  char *pend; /* bytes Node read before the takeover, sent first */
  size_t pend_len, pend_off;
  pipe_pair pipe;
  int has_pipe;
  size_t in_pipe;
  int eof;  /* the source sent its FIN */
  int shut; /* shutdown(destination, SHUT_WR) done */
} direction;

struct tunnel;
typedef struct {
  struct tunnel *t;
  int idx;
} side_ref;

typedef struct tunnel {
  double id;
  int fd[2]; /* 0 client, 1 upstream */
  direction dir[2]; /* 0 client -> upstream, 1 upstream -> client */
  uint64_t out, in, rep_out, rep_in;
  int64_t idle_ms, last_active;
  int reason, closed, queued;
  side_ref side[2];
  struct tunnel *prev, *next; /* all open tunnels */
  struct tunnel *bucket_next; /* id hash chain */
  struct tunnel *link;        /* add queue, ready list or dead list */
} tunnel;

typedef struct {
  double id;
  int reason;
} close_req;

typedef struct {
  size_t len, cap;
  double *v;
} batch;

typedef struct engine {
  int epfd, evfd;
  pthread_t thread;
  int thread_started, joined;
  napi_threadsafe_function tsfn;
  napi_env env;
  int refs; /* the JS external and the tsfn finalizer */
  int64_t progress_ms;
  double next_id;
  /* shared with the JS thread, under mu */
  pthread_mutex_t mu;
  tunnel *adds;
  close_req *closes;
  size_t n_closes, cap_closes;
  int stop;
  /* thread-only */
  tunnel *all, *ready, *dead;
  tunnel **buckets;
  size_t n_buckets, count;
  pipe_pair pool[POOL_MAX];
  int n_pool;
  int64_t pool_used; /* when a pipe was last taken */
  batch events;
  int64_t next_progress, next_idle;
  side_ref wake_marker;
} engine;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- id hash (thread only) ---- */

static size_t bucket_of(engine *e, double id) { return (size_t)((uint64_t)id & (e->n_buckets - 1)); }

static void hash_insert(engine *e, tunnel *t) {
  if (e->count + 1 > e->n_buckets) {
    size_t n = e->n_buckets * 2;
    tunnel **nb = calloc(n, sizeof *nb);
    if (nb != NULL) {
      for (size_t i = 0; i < e->n_buckets; i++) {
        tunnel *x = e->buckets[i];
        while (x != NULL) {
          tunnel *nx = x->bucket_next;
          size_t b = (size_t)((uint64_t)x->id & (n - 1));
          x->bucket_next = nb[b];
          nb[b] = x;
          x = nx;
        }
      }
      free(e->buckets);
      e->buckets = nb;
      e->n_buckets = n;
    }
  }
  size_t b = bucket_of(e, t->id);
  t->bucket_next = e->buckets[b];
  e->buckets[b] = t;
  e->count++;
}

static tunnel *hash_find(engine *e, double id) {
  for (tunnel *x = e->buckets[bucket_of(e, id)]; x != NULL; x = x->bucket_next)
    if (x->id == id) return x;
  return NULL;
}

static void hash_remove(engine *e, tunnel *t) {
  tunnel **p = &e->buckets[bucket_of(e, t->id)];
  while (*p != NULL && *p != t) p = &(*p)->bucket_next;
  if (*p == t) {
    *p = t->bucket_next;
    e->count--;
  }
}

/* ---- events back to JS ---- */

static void push_event(engine *e, int type, double id, double out, double in, int reason) {
  batch *b = &e->events;
  if (b->len + 5 > b->cap) {
    size_t cap = b->cap == 0 ? 320 : b->cap * 2;
    double *v = realloc(b->v, cap * sizeof *v);
    if (v == NULL) return; /* the close still happens; JS only misses this record */
    b->v = v;
    b->cap = cap;
  }
  double *r = b->v + b->len;
  r[0] = type;
  r[1] = id;
  r[2] = out;
  r[3] = in;
  r[4] = reason;
  b->len += 5;
}

static void flush_events(engine *e) {
  if (e->events.len == 0) return;
  batch *copy = malloc(sizeof *copy);
  if (copy == NULL) return;
  *copy = e->events;
  e->events.v = NULL;
  e->events.len = e->events.cap = 0;
  if (napi_call_threadsafe_function(e->tsfn, copy, napi_tsfn_nonblocking) != napi_ok) {
    free(copy->v);
    free(copy);
  }
}

/* ---- pipes ---- */

static int take_pipe(engine *e, pipe_pair *p) {
  e->pool_used = now_ms();
  if (e->n_pool > 0) {
    *p = e->pool[--e->n_pool];
    return 0;
  }
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
  /* A bigger pipe moves more per splice call; the default 64 KiB is kept if this is refused. */
  (void)fcntl(fds[1], F_SETPIPE_SZ, PIPE_SIZE);
  p->r = fds[0];
  p->w = fds[1];
  return 0;
}

static void give_pipe(engine *e, direction *d) {
  if (!d->has_pipe) return;
  d->has_pipe = 0;
  /* A pipe with bytes still in it cannot be reused by another tunnel. */
  if (d->in_pipe == 0 && e->n_pool < POOL_MAX) {
    e->pool[e->n_pool++] = d->pipe;
  } else {
    close(d->pipe.r);
    close(d->pipe.w);
  }
  d->in_pipe = 0;
}

/* ---- tunnels ---- */

static void close_tunnel(engine *e, tunnel *t, int reason) {
  if (t->closed) return;
  t->closed = 1;
  if (t->reason == 0) t->reason = reason;
  for (int i = 0; i < 2; i++) {
    epoll_ctl(e->epfd, EPOLL_CTL_DEL, t->fd[i], NULL);
    close(t->fd[i]);
    give_pipe(e, &t->dir[i]);
    free(t->dir[i].pend);
    t->dir[i].pend = NULL;
  }
  push_event(e, EV_CLOSE, t->id, (double)t->out, (double)t->in, t->reason);
  hash_remove(e, t);
  if (t->prev != NULL) t->prev->next = t->next;
  else e->all = t->next;
  if (t->next != NULL) t->next->prev = t->prev;
  /* Freed after the current epoll batch: a later event in it may still point here. A tunnel on the
   * ready list is moved to the dead list when the ready list reaches it (they share `link`). */
  if (!t->queued) {
    t->link = e->dead;
    e->dead = t;
  }
}

static int side_reason(int idx) { return idx == 0 ? R_CLIENT : R_UPSTREAM; }

/* A reset or a write into a socket the peer already closed is that side closing, not a fault. */
static void fail(engine *e, tunnel *t, int idx, int err) {
  close_tunnel(e, t, err == ECONNRESET || err == EPIPE ? side_reason(idx) : R_ERROR);
}

/* Moves bytes in one direction until a socket would block; 1 = the tunnel closed, 2 = budget spent. */
static int pump(engine *e, tunnel *t, int d, int *budget) {
  direction *s = &t->dir[d];
  int src = t->fd[d], dst = t->fd[1 - d];
  while (*budget > 0) {
    if (s->pend_off < s->pend_len) {
      ssize_t n = send(dst, s->pend + s->pend_off, s->pend_len - s->pend_off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return 0;
        fail(e, t, 1 - d, errno);
        return 1;
      }
      s->pend_off += (size_t)n;
      if (d == 0) t->out += (uint64_t)n;
      t->last_active = now_ms();
      (*budget)--;
      if (s->pend_off == s->pend_len) {
        free(s->pend);
        s->pend = NULL;
        s->pend_len = s->pend_off = 0;
      }
      continue;
    }
    if (s->in_pipe > 0) {
      ssize_t n = splice(s->pipe.r, NULL, dst, NULL, s->in_pipe, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return 0;
        fail(e, t, 1 - d, errno);
        return 1;
      }
      s->in_pipe -= (size_t)n;
      if (d == 0) t->out += (uint64_t)n;
      t->last_active = now_ms();
      (*budget)--;
      continue;
    }
    give_pipe(e, s);
    if (s->eof) {
      if (!s->shut) {
        s->shut = 1;
        if (t->reason == 0) t->reason = side_reason(d);
        shutdown(dst, SHUT_WR);
      }
      if (t->dir[1 - d].shut) {
        close_tunnel(e, t, side_reason(d));
        return 1;
      }
      return 0;
    }
    if (take_pipe(e, &s->pipe) != 0) {
      close_tunnel(e, t, R_ERROR);
      return 1;
    }
    s->has_pipe = 1;
    ssize_t n = splice(src, NULL, s->pipe.w, NULL, CHUNK, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n > 0) {
      s->in_pipe = (size_t)n;
      if (d == 1) t->in += (uint64_t)n;
      t->last_active = now_ms();
      (*budget)--;
    } else if (n == 0) {
      s->eof = 1;
    } else if (errno == EAGAIN) {
      give_pipe(e, s);
      return 0;
    } else if (errno != EINTR) {
      fail(e, t, d, errno);
      return 1;
    }
  }
  return 2;
}

static void run_tunnel(engine *e, tunnel *t) {
  int budget = BUDGET;
  if (t->closed) return;
  int a = pump(e, t, 0, &budget);
  if (a == 1) return;
  int b = pump(e, t, 1, &budget);
  if (b == 1) return;
  if ((a == 2 || b == 2 || budget == 0) && !t->queued) {
    t->queued = 1;
    t->link = e->ready;
    e->ready = t;
  }
}

static int64_t idle_step_of(int64_t idle_ms) {
  int64_t step = idle_ms / 8;
  return step < 10 ? 10 : step > 1000 ? 1000 : step;
}

static void start_tunnel(engine *e, tunnel *t) {
  t->last_active = now_ms();
  if (t->idle_ms > 0 && t->last_active + idle_step_of(t->idle_ms) < e->next_idle)
    e->next_idle = t->last_active + idle_step_of(t->idle_ms);
  t->next = e->all;
  t->prev = NULL;
  if (e->all != NULL) e->all->prev = t;
  e->all = t;
  hash_insert(e, t);
  for (int i = 0; i < 2; i++) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = &t->side[i];
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, t->fd[i], &ev) != 0) {
      close_tunnel(e, t, R_ERROR);
      return;
    }
  }
  run_tunnel(e, t);
}

static void take_commands(engine *e, int *stop) {
  uint64_t v;
  while (read(e->evfd, &v, sizeof v) > 0) {
  }
  pthread_mutex_lock(&e->mu);
  tunnel *adds = e->adds;
  e->adds = NULL;
  close_req *closes = e->closes;
  size_t n_closes = e->n_closes;
  e->closes = NULL;
  e->n_closes = e->cap_closes = 0;
  *stop = e->stop;
  pthread_mutex_unlock(&e->mu);
  /* The add queue is newest first; start the oldest first. */
  tunnel *rev = NULL;
  while (adds != NULL) {
    tunnel *nx = adds->link;
    adds->link = rev;
    rev = adds;
    adds = nx;
  }
  while (rev != NULL) {
    tunnel *nx = rev->link;
    rev->link = NULL;
    start_tunnel(e, rev);
    rev = nx;
  }
  for (size_t i = 0; i < n_closes; i++) {
    tunnel *t = hash_find(e, closes[i].id);
    if (t != NULL) close_tunnel(e, t, closes[i].reason);
  }
  free(closes);
}

static void report_progress(engine *e) {
  for (tunnel *t = e->all; t != NULL; t = t->next) {
    if (t->out == t->rep_out && t->in == t->rep_in) continue;
    push_event(e, EV_PROGRESS, t->id, (double)(t->out - t->rep_out), (double)(t->in - t->rep_in), 0);
    t->rep_out = t->out;
    t->rep_in = t->in;
  }
}

static void check_idle(engine *e, int64_t now) {
  tunnel *t = e->all;
  while (t != NULL) {
    tunnel *nx = t->next;
    if (t->idle_ms > 0 && now - t->last_active >= t->idle_ms) close_tunnel(e, t, R_IDLE);
    t = nx;
  }
}

/* How often idle timers are checked: a fraction of the shortest idle timeout, within 10 ms .. 1 s. */
static int64_t idle_step(engine *e) {
  int64_t shortest = 8000;
  for (tunnel *t = e->all; t != NULL; t = t->next)
    if (t->idle_ms > 0 && t->idle_ms < shortest) shortest = t->idle_ms;
  return idle_step_of(shortest);
}

static void free_dead(engine *e) {
  while (e->dead != NULL) {
    tunnel *nx = e->dead->link;
    free(e->dead);
    e->dead = nx;
  }
}

static void run_ready(engine *e, tunnel *ready) {
  while (ready != NULL) {
    tunnel *nx = ready->link;
    ready->link = NULL;
    ready->queued = 0;
    if (ready->closed) {
      ready->link = e->dead;
      e->dead = ready;
    } else {
      run_tunnel(e, ready);
    }
    ready = nx;
  }
}

static void *relay_thread(void *arg) {
  engine *e = arg;
  struct epoll_event evs[256];
  int stop = 0;
  int64_t now = now_ms();
  e->next_progress = now + e->progress_ms;
  e->next_idle = now + 1000;
  while (!stop) {
    now = now_ms();
    int64_t wait = e->next_idle < e->next_progress ? e->next_idle - now : e->next_progress - now;
    if (e->ready != NULL || wait < 0) wait = 0;
    int n = epoll_wait(e->epfd, evs, 256, (int)wait);
    if (n < 0 && errno != EINTR) break;
    tunnel *ready = e->ready;
    e->ready = NULL;
    for (int i = 0; i < n; i++) {
      side_ref *ref = evs[i].data.ptr;
      if (ref == &e->wake_marker) {
        take_commands(e, &stop);
        continue;
      }
      tunnel *t = ref->t;
      if (t->closed) continue;
      if (evs[i].events & EPOLLERR) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(t->fd[ref->idx], SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          fail(e, t, ref->idx, err);
          continue;
        }
      }
      run_tunnel(e, t);
    }
    run_ready(e, ready);
    now = now_ms();
    if (now >= e->next_idle) {
      check_idle(e, now);
      /* Quiet for a second: give the pooled pipes back, so descriptors return to their baseline. */
      if (now - e->pool_used >= 1000) {
        while (e->n_pool > 0) {
          e->n_pool--;
          close(e->pool[e->n_pool].r);
          close(e->pool[e->n_pool].w);
        }
      }
      e->next_idle = now + idle_step(e);
    }
    if (now >= e->next_progress) {
      report_progress(e);
      e->next_progress = now + e->progress_ms;
    }
    flush_events(e);
    free_dead(e);
  }
  while (e->all != NULL) close_tunnel(e, e->all, R_DRAINED);
  tunnel *ready = e->ready;
  e->ready = NULL;
  run_ready(e, ready);
  flush_events(e);
  free_dead(e);
  return NULL;
}

/* ---- N-API ---- */

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)context;
  batch *b = data;
  if (env != NULL && js_cb != NULL && b != NULL) {
    napi_value ab, arr, undefined;
    void *mem;
    if (napi_create_arraybuffer(env, b->len * sizeof(double), &mem, &ab) == napi_ok) {
      memcpy(mem, b->v, b->len * sizeof(double));
      if (napi_create_typedarray(env, napi_float64_array, b->len, ab, 0, &arr) == napi_ok &&
          napi_get_undefined(env, &undefined) == napi_ok) {
        napi_call_function(env, undefined, js_cb, 1, &arr, NULL);
      }
    }
  }
  if (b != NULL) {
    free(b->v);
    free(b);
  }
}

static void free_engine(engine *e) {
  if (--e->refs > 0) return;
  for (int i = 0; i < e->n_pool; i++) {
    close(e->pool[i].r);
    close(e->pool[i].w);
  }
  free(e->events.v);
  free(e->buckets);
  free(e->closes);
  while (e->adds != NULL) {
    tunnel *nx = e->adds->link;
    close(e->adds->fd[0]);
    close(e->adds->fd[1]);
    free(e->adds->dir[0].pend);
    free(e->adds->dir[1].pend);
    free(e->adds);
    e->adds = nx;
  }
  if (e->epfd >= 0) close(e->epfd);
  if (e->evfd >= 0) close(e->evfd);
  pthread_mutex_destroy(&e->mu);
  free(e);
}

static void tsfn_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free_engine(data);
}

static void external_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free_engine(data);
}

static void wake(engine *e) {
  uint64_t one = 1;
  ssize_t r = write(e->evfd, &one, sizeof one);
  (void)r;
}

/* Stops the thread (closing every tunnel) and lets the queued events reach JS before the finalizer. */
static void stop_engine(engine *e) {
  if (!e->thread_started || e->joined) return;
  pthread_mutex_lock(&e->mu);
  e->stop = 1;
  pthread_mutex_unlock(&e->mu);
  wake(e);
  pthread_join(e->thread, NULL);
  e->joined = 1;
  /* The descriptors go now, not when the garbage collector finalizes the engine object. */
  while (e->n_pool > 0) {
    e->n_pool--;
    close(e->pool[e->n_pool].r);
    close(e->pool[e->n_pool].w);
  }
  close(e->epfd);
  close(e->evfd);
  e->epfd = e->evfd = -1;
  napi_release_threadsafe_function(e->tsfn, napi_tsfn_release);
}

static void cleanup_hook(void *arg) { stop_engine(arg); }

static engine *engine_arg(napi_env env, napi_value v) {
  engine *e = NULL;
  if (napi_get_value_external(env, v, (void **)&e) != napi_ok || e == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a relay engine");
    return NULL;
  }
  return e;
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value relay_create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], name, external;
  int64_t progress_ms = 5000;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "relayCreate(onEvents: function, progressMs?: number)");
    return NULL;
  }
  if (argc >= 2) napi_get_value_int64(env, argv[1], &progress_ms);
  if (progress_ms < 10) progress_ms = 10;
  engine *e = calloc(1, sizeof *e);
  if (e == NULL) return throw_errno(env, "relayCreate", ENOMEM);
  e->progress_ms = progress_ms;
  e->epfd = e->evfd = -1;
  e->refs = 1;
  pthread_mutex_init(&e->mu, NULL);
  e->n_buckets = 1024;
  e->buckets = calloc(e->n_buckets, sizeof *e->buckets);
  e->epfd = epoll_create1(EPOLL_CLOEXEC);
  e->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (e->buckets == NULL || e->epfd < 0 || e->evfd < 0) {
    int err = errno ? errno : ENOMEM;
    free_engine(e);
    return throw_errno(env, "relayCreate", err);
  }
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.ptr = &e->wake_marker;
  if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->evfd, &ev) != 0) {
    int err = errno;
    free_engine(e);
    return throw_errno(env, "relayCreate", err);
  }
  napi_create_string_utf8(env, "egressgate splice relay", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, e, tsfn_finalize, e, call_js, &e->tsfn) !=
      napi_ok) {
    free_engine(e);
    napi_throw_error(env, NULL, "relayCreate: cannot create the threadsafe function");
    return NULL;
  }
  e->refs = 2;
  /* Idle until a tunnel is added: an app with no tunnels must not keep the process alive. */
  napi_unref_threadsafe_function(env, e->tsfn);
  if (pthread_create(&e->thread, NULL, relay_thread, e) != 0) {
    int err = errno;
    e->joined = 1;
    napi_release_threadsafe_function(e->tsfn, napi_tsfn_release);
    free_engine(e);
    return throw_errno(env, "relayCreate: pthread_create", err);
  }
  e->thread_started = 1;
  e->env = env;
  napi_add_env_cleanup_hook(env, cleanup_hook, e);
  if (napi_create_external(env, e, external_finalize, NULL, &external) != napi_ok) return NULL;
  return external;
}

static int copy_pending(napi_env env, napi_value v, direction *d) {
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok) return -1;
  if (type == napi_null || type == napi_undefined) return 0;
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, v, &data, &len) != napi_ok) return -1;
  if (len == 0) return 0;
  d->pend = malloc(len);
  if (d->pend == NULL) return -1;
  memcpy(d->pend, data, len);
  d->pend_len = len;
  return 0;
}

static napi_value relay_add(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6], result;
  int32_t cfd, ufd;
  int64_t idle_ms;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 6) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE",
                          "relayAdd(engine, clientFd, upstreamFd, idleMs, toUpstream, toClient)");
    return NULL;
  }
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  if (napi_get_value_int32(env, argv[1], &cfd) != napi_ok || napi_get_value_int32(env, argv[2], &ufd) != napi_ok ||
      napi_get_value_int64(env, argv[3], &idle_ms) != napi_ok || cfd < 0 || ufd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "relayAdd: descriptors and idleMs must be numbers");
    return NULL;
  }
  if (e->joined) {
    napi_throw_error(env, "ERR_RELAY_STOPPED", "relayAdd: the relay engine is stopped");
    return NULL;
  }
  tunnel *t = calloc(1, sizeof *t);
  if (t == NULL) return throw_errno(env, "relayAdd", ENOMEM);
  t->fd[0] = t->fd[1] = -1;
  if (copy_pending(env, argv[4], &t->dir[0]) != 0 || copy_pending(env, argv[5], &t->dir[1]) != 0) {
    free(t->dir[0].pend);
    free(t->dir[1].pend);
    free(t);
    napi_throw_error(env, NULL, "relayAdd: cannot copy the pending bytes");
    return NULL;
  }
  t->fd[0] = fcntl(cfd, F_DUPFD_CLOEXEC, 0);
  t->fd[1] = t->fd[0] < 0 ? -1 : fcntl(ufd, F_DUPFD_CLOEXEC, 0);
  if (t->fd[0] < 0 || t->fd[1] < 0) {
    int err = errno;
    if (t->fd[0] >= 0) close(t->fd[0]);
    free(t->dir[0].pend);
    free(t->dir[1].pend);
    free(t);
    return throw_errno(env, "relayAdd: dup", err);
  }
  /* O_NONBLOCK lives on the shared file description; set it in case the caller's fd lacked it. */
  for (int i = 0; i < 2; i++) {
    int fl = fcntl(t->fd[i], F_GETFL);
    if (fl >= 0 && !(fl & O_NONBLOCK)) fcntl(t->fd[i], F_SETFL, fl | O_NONBLOCK);
    t->side[i].t = t;
    t->side[i].idx = i;
  }
  t->idle_ms = idle_ms;
  t->id = ++e->next_id;
  pthread_mutex_lock(&e->mu);
  t->link = e->adds;
  e->adds = t;
  pthread_mutex_unlock(&e->mu);
  wake(e);
  napi_create_double(env, t->id, &result);
  return result;
}

static napi_value relay_close(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  double id;
  int32_t reason;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "relayClose(engine, id, reason)");
    return NULL;
  }
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  if (napi_get_value_double(env, argv[1], &id) != napi_ok || napi_get_value_int32(env, argv[2], &reason) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "relayClose: id and reason must be numbers");
    return NULL;
  }
  if (e->joined) return NULL;
  pthread_mutex_lock(&e->mu);
  if (e->n_closes == e->cap_closes) {
    size_t cap = e->cap_closes == 0 ? 16 : e->cap_closes * 2;
    close_req *c = realloc(e->closes, cap * sizeof *c);
    if (c == NULL) {
      pthread_mutex_unlock(&e->mu);
      return throw_errno(env, "relayClose", ENOMEM);
    }
    e->closes = c;
    e->cap_closes = cap;
  }
  e->closes[e->n_closes].id = id;
  e->closes[e->n_closes].reason = reason;
  e->n_closes++;
  pthread_mutex_unlock(&e->mu);
  wake(e);
  return NULL;
}

static napi_value relay_ref(napi_env env, napi_callback_info info, int ref) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL || e->joined) return NULL;
  if (ref) napi_ref_threadsafe_function(env, e->tsfn);
  else napi_unref_threadsafe_function(env, e->tsfn);
  return NULL;
}

static napi_value relay_ref_js(napi_env env, napi_callback_info info) { return relay_ref(env, info, 1); }
static napi_value relay_unref_js(napi_env env, napi_callback_info info) { return relay_ref(env, info, 0); }

static napi_value relay_destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  if (e->thread_started && !e->joined) {
    napi_remove_env_cleanup_hook(env, cleanup_hook, e);
    stop_engine(e);
  }
  return NULL;
}

napi_status register_splice_relay(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
      {"relayCreate", relay_create}, {"relayAdd", relay_add},         {"relayClose", relay_close},
      {"relayRef", relay_ref_js},    {"relayUnref", relay_unref_js}, {"relayDestroy", relay_destroy},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_status status = napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn);
    if (status != napi_ok) return status;
    status = napi_set_named_property(env, exports, fns[i].name, fn);
    if (status != napi_ok) return status;
  }
  return napi_ok;
}
