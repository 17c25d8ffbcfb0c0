/*
 * Batched UDP for Shoal's DNS workers (Linux): a datagram socket read with recvmmsg and answered with
 * sendmmsg, up to BATCH datagrams a system call, handed to JavaScript in one call per batch through buffers
 * shared with it. node:dgram makes a recvmsg, a sendmsg and a JavaScript call for every datagram, which was
 * most of a query's cost.
 *
 *   bind(ip, port)            -> [fd, port]   an IPv4 socket bound (port 0: one is picked), non-blocking
 *   serve(fd, onBatch)        -> [in, meta, out]
 *       onBatch(n) is called with n datagrams in `in` (slot i at i * SLOT); meta[3i..3i+2] (Int32) are
 *       their length (-1: cut, too long), source address and port. It writes answer j into `out` at
 *       j * OUT_SLOT and meta[3 * BATCH + 3j..] = length (0: none), address, port; it returns how many
 *       answer slots it filled. The batch's answers go out together.
 *   sendTo(fd, buffer, ip, port)  one datagram now (an answer that came later, from an upstream)
 *   close(fd)                 stops serving it, if it was, and closes it
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
#define SLOT 4096
#define OUT_SLOT 4096
#define ROUNDS 8

typedef struct served {
  struct served *next;
  napi_env env;
  napi_async_context async; /* onBatch runs as Node's own callbacks do: promises and ticks run after it */
  napi_ref on_batch;
  napi_ref buffers[3];
  uv_poll_t poll;
  int fd;
  uint8_t *in;
  int32_t *meta;
  uint8_t *out;
} served_t;

/* The sockets served in this process (a handful), to stop one at close. */
static served_t *serving = NULL;

static napi_value fail(napi_env env, int err, const char *what) {
  char text[160];
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  const char *code = err == EADDRINUSE ? "EADDRINUSE" : err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : "EIO";
  napi_throw_error(env, code, text);
  return NULL;
}

/* An IPv4 address and port (host order) as a socket address. */
static struct sockaddr_in ipv4(uint32_t ip, uint16_t port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(ip);
  a.sin_port = htons(port);
  return a;
}

/* The call's arguments into argv (missing ones undefined). */
static void args(napi_env env, napi_callback_info info, size_t n, napi_value *argv) {
  napi_get_cb_info(env, info, &n, argv, NULL, NULL);
}

/* Hands one batch to JavaScript and sends what it answered. */
static void answer_batch(served_t *s, int n) {
  napi_handle_scope scope;
  napi_open_handle_scope(s->env, &scope);
  napi_value fn, recv, arg, ret;
  napi_get_reference_value(s->env, s->on_batch, &fn);
  napi_get_global(s->env, &recv); /* napi_make_callback wants an object for `this` */
  napi_create_int32(s->env, n, &arg);
  int32_t m = 0;
  if (napi_make_callback(s->env, s->async, recv, fn, 1, &arg, &ret) == napi_ok) napi_get_value_int32(s->env, ret, &m);
  else {
    napi_value ex;
    napi_get_and_clear_last_exception(s->env, &ex); /* the worker's own handler reports its errors */
  }
  napi_close_handle_scope(s->env, scope);
  if (m > BATCH) m = BATCH;

  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in to[BATCH];
  int k = 0;
  for (int j = 0; j < m; j++) {
    int32_t *a = s->meta + 3 * BATCH + 3 * j;
    if (a[0] <= 0 || a[0] > OUT_SLOT) continue;
    to[k] = ipv4((uint32_t)a[1], (uint16_t)a[2]);
    iov[k].iov_base = s->out + (size_t)j * OUT_SLOT;
    iov[k].iov_len = (size_t)a[0];
    memset(&msgs[k], 0, sizeof msgs[k]);
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    msgs[k].msg_hdr.msg_name = &to[k];
    msgs[k].msg_hdr.msg_namelen = sizeof to[k];
    k++;
  }
  /* A full send buffer drops the rest, as a datagram would be. */
  for (int sent = 0; sent < k;) {
    int r = sendmmsg(s->fd, msgs + sent, (unsigned)(k - sent), MSG_DONTWAIT);
    if (r <= 0) break;
    sent += r;
  }
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  served_t *s = poll->data;
  if (status < 0) return;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in from[BATCH];
  for (int round = 0; round < ROUNDS; round++) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = s->in + (size_t)i * SLOT;
      iov[i].iov_len = SLOT;
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return; /* EAGAIN: another reader of the socket took them, or there were none */
    for (int i = 0; i < n; i++) {
      int cut = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 || from[i].sin_family != AF_INET;
      s->meta[3 * i] = cut ? -1 : (int32_t)msgs[i].msg_len;
      s->meta[3 * i + 1] = (int32_t)ntohl(from[i].sin_addr.s_addr);
      s->meta[3 * i + 2] = ntohs(from[i].sin_port);
    }
    answer_batch(s, n);
    if (n < BATCH) return;
  }
}

static int32_t int_arg(napi_env env, napi_value v) {
  int32_t x = -1;
  napi_get_value_int32(env, v, &x);
  return x;
}

static napi_value Bind(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  args(env, info, 2, argv);
  char ip[64] = "";
  size_t len;
  napi_get_value_string_utf8(env, argv[0], ip, sizeof ip, &len);
  int32_t port = int_arg(env, argv[1]);
  struct in_addr addr;
  if (port < 0 || port > 65535 || inet_pton(AF_INET, ip, &addr) != 1) return fail(env, EINVAL, "bind");
  struct sockaddr_in a = ipv4(ntohl(addr.s_addr), (uint16_t)port);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail(env, errno, "socket");
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    int err = errno;
    close(fd);
    return fail(env, err, "bind");
  }
  socklen_t alen = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &alen);
  napi_value out, v;
  napi_create_array_with_length(env, 2, &out);
  napi_create_int32(env, fd, &v);
  napi_set_element(env, out, 0, v);
  napi_create_int32(env, ntohs(a.sin_port), &v);
  napi_set_element(env, out, 1, v);
  return out;
}

static napi_value Serve(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  args(env, info, 2, argv);
  int fd = int_arg(env, argv[0]);
  if (fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) return fail(env, EBADF, "serve");
  served_t *s = calloc(1, sizeof *s); /* kept after close too: a few bytes, once per socket */
  s->next = serving;
  serving = s;
  s->env = env;
  s->fd = fd;
  napi_value name;
  napi_create_string_utf8(env, "shoal.udp_batch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &s->async);
  napi_create_reference(env, argv[1], 1, &s->on_batch);
  napi_value bufs[3];
  void *p;
  napi_create_buffer(env, (size_t)BATCH * SLOT, &p, &bufs[0]);
  s->in = p;
  napi_create_buffer(env, sizeof(int32_t) * 6 * BATCH, &p, &bufs[1]);
  s->meta = p;
  napi_create_buffer(env, (size_t)BATCH * OUT_SLOT, &p, &bufs[2]);
  s->out = p;
  napi_value out;
  napi_create_array_with_length(env, 3, &out);
  for (int i = 0; i < 3; i++) {
    napi_create_reference(env, bufs[i], 1, &s->buffers[i]);
    napi_set_element(env, out, (uint32_t)i, bufs[i]);
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &s->poll, fd);
  s->poll.data = s;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  return out;
}

static napi_value SendTo(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  args(env, info, 4, argv);
  void *data;
  size_t len;
  napi_get_buffer_info(env, argv[1], &data, &len);
  double ip = 0;
  napi_get_value_double(env, argv[2], &ip);
  struct sockaddr_in to = ipv4((uint32_t)ip, (uint16_t)int_arg(env, argv[3]));
  sendto(int_arg(env, argv[0]), data, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to);
  return NULL;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  args(env, info, 1, argv);
  int fd = int_arg(env, argv[0]);
  for (served_t *s = serving; s; s = s->next) {
    if (s->fd != fd) continue;
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, NULL);
    s->fd = -1;
    for (int i = 0; i < 3; i++) napi_delete_reference(env, s->buffers[i]);
    napi_delete_reference(env, s->on_batch);
    napi_async_destroy(env, s->async);
  }
  close(fd);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"bind", Bind}, {"serve", Serve}, {"sendTo", SendTo}, {"close", Close}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  napi_value v;
  napi_create_int32(env, BATCH, &v);
  napi_set_named_property(env, exports, "BATCH", v);
  napi_create_int32(env, SLOT, &v);
  napi_set_named_property(env, exports, "SLOT", v);
  napi_create_int32(env, OUT_SLOT, &v);
  napi_set_named_property(env, exports, "OUT_SLOT", v);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
