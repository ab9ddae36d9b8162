/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A seccomp agent for seccomp-notify.bats (built, never installed). It listens on a unix
 * socket for the runtime's container process state (config-linux.md), checks each message
 * the way an agent relies on it, and answers the notifications of every listener it got:
 *
 *   seccomp_agent -s SOCKET -o DIR [-m PATH] [-e SYSCALL=ERRNO]...
 *     -s  where to listen ("@name": the abstract socket "name")
 *     -o  DIR/state-N.json: the N-th message as received (N from 1); DIR/log: one line per
 *         event ("fd", "fake mkdir PATH", "errno SYSCALL N", "continue SYSCALL", "BAD ...")
 *     -m  mkdir/mkdirat of PATH succeed without doing anything
 *     -e  SYSCALL fails with ERRNO
 *   every other notification is let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
 *
 * Checked per message (a failure logs "BAD <why>" and drops that listener, so the notified
 * syscalls fail with ENOSYS): exactly one fd in SCM_RIGHTS, and it is a seccomp listener; the
 * JSON is an object whose "fds" is ["seccompFd"]. The rest (pid, metadata, state) is checked
 * by the tests with jq on state-N.json. SIGTERM ends it.
 *
 *   seccomp_agent -d PID
 *     prints the seccomp filters PID runs under (PTRACE_SECCOMP_GET_FILTER, root only), one line
 *     each, newest first: the instructions' bytes in hex, as the kernel holds them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define MAX_LISTENERS 64
#define MAX_RULES 16
#define MAX_MESSAGE (1 << 20)

static const char *out_dir;
static const char *fake_mkdir_path;
static struct {
  int nr;
  const char *name;
  int errnum;
} rules[MAX_RULES];
static int nrules;
static int nmessages;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
  char path[PATH_MAX];
  va_list ap;
  FILE *f;

  snprintf(path, sizeof(path), "%s/log", out_dir);
  f = fopen(path, "ae");
  if (f == NULL)
    return;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  fclose(f);
}

static int listen_on(const char *path)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(path);
  socklen_t addrlen;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || len == 0 || len >= sizeof(addr.sun_path))
    return -1;
  memcpy(addr.sun_path, path, len);
  if (path[0] == '@')
    addr.sun_path[0] = '\0';
  else
    unlink(path);
  addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] != '@'));
  if (bind(fd, (struct sockaddr *)&addr, addrlen) < 0 || listen(fd, 16) < 0)
    return -1;
  return fd;
}

static int check_fds_field(const char *json)
{
  char errbuf[256];
  yajl_val root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
  const char *path[] = {"fds", NULL};
  yajl_val fds;
  int ok;

  if (root == NULL || !YAJL_IS_OBJECT(root)) {
    logf_("BAD the message is not a JSON object: %s", root ? "" : errbuf);
    yajl_tree_free(root);
    return -1;
  }
  fds = yajl_tree_get(root, path, yajl_t_array);
  ok = false;
  if (fds != NULL && YAJL_GET_ARRAY(fds)->len == 1) {
    const char *name = YAJL_GET_STRING(YAJL_GET_ARRAY(fds)->values[0]);
    ok = name != NULL && strcmp(name, "seccompFd") == 0;
  }
  yajl_tree_free(root);
  if (!ok)
    logf_("BAD \"fds\" is not [\"seccompFd\"]");
  return ok ? 0 : -1;
}

/* One connection: the JSON (read to the end) and the fd that came with its first part. */
static int take_message(int conn)
{
  union {
    char buf[CMSG_SPACE(4 * sizeof(int))];
    struct cmsghdr align;
  } control;
  char *data = malloc(MAX_MESSAGE + 1), path[PATH_MAX];
  struct iovec iov = {.iov_base = data, .iov_len = MAX_MESSAGE};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  struct cmsghdr *cmsg;
  size_t len = 0, nfds = 0;
  int fds[4], listener = -1;
  uint64_t id = 0;
  ssize_t n;
  FILE *f;

  mh.msg_control = control.buf;
  mh.msg_controllen = sizeof(control.buf);
  n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
  for (cmsg = CMSG_FIRSTHDR(&mh); n > 0 && cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
      nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      memcpy(fds, CMSG_DATA(cmsg), nfds * sizeof(int));
    }
  while (n > 0) {
    len += (size_t)n;
    if (len == MAX_MESSAGE)
      break;
    n = read(conn, data + len, MAX_MESSAGE - len);
  }
  data[len] = '\0';
  snprintf(path, sizeof(path), "%s/state-%d.json", out_dir, ++nmessages);
  f = fopen(path, "we");
  if (f) {
    fwrite(data, 1, len, f);
    fclose(f);
  }
  if (nfds != 1) {
    logf_("BAD %zu fds in SCM_RIGHTS (want 1)", nfds);
    goto drop;
  }
  listener = fds[0];
  /* A seccomp listener knows the ioctl: ENOENT for an id it never issued. */
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 || errno != ENOENT) {
    logf_("BAD the fd is not a seccomp listener (%s)", strerror(errno));
    goto drop;
  }
  if (check_fds_field(data) < 0)
    goto drop;
  logf_("fd");
  free(data);
  return listener;
drop:
  for (size_t i = 0; i < nfds; i++)
    close(fds[i]);
  free(data);
  return -1;
}

static bool read_path(pid_t pid, uint64_t addr, char *buf, size_t size)
{
  char mem[64];
  ssize_t n;
  int fd;

  snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
  fd = open(mem, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  n = pread(fd, buf, size - 1, (off_t)addr);
  close(fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  return memchr(buf, '\0', (size_t)n) != NULL;
}

static void answer(int listener, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
  char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, req->data.nr);
  const char *shown = name ? name : "?";
  char path[PATH_MAX];

  resp->id = req->id;
  resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  resp->val = 0;
  resp->error = 0;
  for (int i = 0; i < nrules; i++)
    if (rules[i].nr == req->data.nr) {
      resp->flags = 0;
      resp->error = -rules[i].errnum;
      logf_("errno %s %d", shown, rules[i].errnum);
    }
  if (resp->flags != 0 && fake_mkdir_path &&
      (req->data.nr == SYS_mkdir || req->data.nr == SYS_mkdirat)) {
    uint64_t arg = req->data.args[req->data.nr == SYS_mkdir ? 0 : 1];
    /* The memory was read while the request was still pending: only then is it the caller's. */
    if (read_path((pid_t)req->pid, arg, path, sizeof(path)) &&
        ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0 &&
        strcmp(path, fake_mkdir_path) == 0) {
      resp->flags = 0;
      logf_("fake mkdir %s", path);
    }
  }
  if (resp->flags != 0)
    logf_("continue %s", shown);
  free(name);
}

static void serve(int lsock)
{
  struct seccomp_notif_sizes sizes;
  struct pollfd p[MAX_LISTENERS + 1];
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  int n = 1;

  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    exit(1);
  /* The kernel's structures may be larger than this program's headers know. */
  req = calloc(1, sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req));
  resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp
                                                            : sizeof(*resp));
  p[0] = (struct pollfd){.fd = lsock, .events = POLLIN};
  for (;;) {
    if (poll(p, (nfds_t)n, -1) < 0) {
      if (errno == EINTR)
        continue;
      exit(1);
    }
    if (p[0].revents & POLLIN) {
      int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
      int listener = conn >= 0 ? take_message(conn) : -1;
      if (conn >= 0)
        close(conn);
      if (listener >= 0 && n <= MAX_LISTENERS)
        p[n++] = (struct pollfd){.fd = listener, .events = POLLIN};
    }
    for (int i = 1; i < n; i++) {
      if (p[i].revents & POLLIN) {
        memset(req, 0, sizes.seccomp_notif);
        if (ioctl(p[i].fd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) {
          answer(p[i].fd, req, resp);
          /* ENOENT: the caller is gone (killed, or its syscall interrupted). */
          ioctl(p[i].fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
        }
      } else if (p[i].revents & (POLLHUP | POLLERR)) {
        /* Every process under that filter has exited. */
        close(p[i].fd);
        p[i--] = p[--n];
      }
    }
  }
}

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

/* The tracee is stopped (PTRACE_INTERRUPT) while its filters are read, then let go. */
static int dump_filters(pid_t pid)
{
  int status;

  if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 ||
      waitpid(pid, &status, __WALL) < 0) {
    perror("seccomp_agent: ptrace");
    return 1;
  }
  for (long i = 0;; i++) {
    long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, NULL);
    unsigned char *buf;

    if (n < 0)
      break;
    buf = calloc((size_t)n, 8);
    if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)i, buf) != n) {
      perror("seccomp_agent: PTRACE_SECCOMP_GET_FILTER");
      return 1;
    }
    for (long b = 0; b < 8 * n; b++)
      printf("%02x", buf[b]);
    putchar('\n');
    free(buf);
  }
  ptrace(PTRACE_DETACH, pid, 0, 0);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "-d") == 0)
    return dump_filters(atoi(argv[2]));

  const char *socket_path = NULL;
  int opt, lsock;

  while ((opt = getopt(argc, argv, "s:o:m:e:")) != -1) {
    char *eq;
    switch (opt) {
    case 's':
      socket_path = optarg;
      break;
    case 'o':
      out_dir = optarg;
      break;
    case 'm':
      fake_mkdir_path = optarg;
      break;
    case 'e':
      eq = strchr(optarg, '=');
      if (eq == NULL || nrules == MAX_RULES)
        return 2;
      *eq = '\0';
      rules[nrules].name = optarg;
      rules[nrules].nr = seccomp_syscall_resolve_name(optarg);
      rules[nrules].errnum = atoi(eq + 1);
      if (rules[nrules++].nr < 0) {
        fprintf(stderr, "seccomp_agent: unknown syscall %s\n", optarg);
        return 2;
      }
      break;
    default:
      return 2;
    }
  }
  if (socket_path == NULL || out_dir == NULL) {
    fprintf(stderr, "usage: seccomp_agent -s SOCKET -o DIR [-m PATH] [-e SYSCALL=ERRNO]...\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  lsock = listen_on(socket_path);
  if (lsock < 0) {
    perror("seccomp_agent: listen");
    return 1;
  }
  logf_("listening");
  serve(lsock);
  return 0;
}
