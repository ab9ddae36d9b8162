/* SPDX-License-Identifier: GPL-2.0-or-later */
/* See seccomp_cache.h for the format and the rules. */
#include "config.h"

#include "seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "seccomp_generator.h"
#include "sha256.h"
#include "utils.h"

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

#define MAGIC "OCIRBPF"
#define FORMAT_VERSION 1

struct entry_header {
  char magic[8];
  uint32_t version;
  uint32_t count; /* instructions that follow */
  uint8_t key[SECCOMP_CACHE_KEY_LEN];
  uint8_t checksum[SHA256_DIGEST_LEN]; /* of the instructions */
};

/* Ours and private: nobody else may have put or changed anything in it. */
static bool private_to_us(const struct stat *st)
{
  return st->st_uid == geteuid() && (st->st_mode & 077) == 0;
}

int seccomp_cache_open(int rootfd)
{
  struct stat st;
  int fd;

  if (mkdirat(rootfd, SECCOMP_CACHE_DIR, 0700) < 0 && errno != EEXIST)
    return -1;
  fd = openat(rootfd, SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  if (fstat(fd, &st) < 0 || !private_to_us(&st)) {
    log_debug("seccomp cache: %s is not private to uid %u, not used", SECCOMP_CACHE_DIR,
              (unsigned)geteuid());
    close(fd);
    return -1;
  }
  return fd;
}

/* ---- the key --------------------------------------------------------------------------- */

static void feed_u64(struct sha256 *h, uint64_t v)
{
  uint8_t b[8];

  for (int i = 0; i < 8; i++)
    b[i] = (uint8_t)(v >> (8 * i));
  sha256_update(h, b, sizeof(b));
}

/* Tagged and length-prefixed: ("ab","c") and ("a","bc") differ, and so do NULL and "". */
static void feed_str(struct sha256 *h, char tag, const char *s)
{
  sha256_update(h, &tag, 1);
  feed_u64(h, s ? strlen(s) + 1 : 0);
  if (s)
    sha256_update(h, s, strlen(s));
}

static void feed_opt(struct sha256 *h, char tag, bool has, uint64_t v)
{
  sha256_update(h, &tag, 1);
  feed_u64(h, has);
  feed_u64(h, has ? v : 0);
}

static void feed_syscall(struct sha256 *h, const oci_syscall *sc)
{
  feed_str(h, 'a', sc->action);
  feed_opt(h, 'e', sc->has_errnoRet, sc->errnoRet);
  feed_u64(h, sc->names_len);
  for (size_t j = 0; j < sc->names_len; j++)
    feed_str(h, 'n', sc->names[j]);
  feed_u64(h, sc->args_len);
  for (size_t k = 0; k < sc->args_len; k++) {
    const oci_syscall_arg *a = sc->args[k];
    feed_u64(h, a->index);
    feed_u64(h, a->value);
    feed_u64(h, a->valueTwo);
    feed_str(h, 'o', a->op);
  }
}

void seccomp_cache_key(const oci_seccomp *s, uint8_t key[SECCOMP_CACHE_KEY_LEN])
{
  struct sha256 h;

  sha256_init(&h);
  feed_str(&h, 'G', SECCOMP_GENERATOR_ID);
#if HAVE_SECCOMP
  {
    const struct scmp_version *v = seccomp_version();
    feed_u64(&h, v->major);
    feed_u64(&h, v->minor);
    feed_u64(&h, v->micro);
    feed_u64(&h, seccomp_arch_native());
  }
#endif
  feed_str(&h, 'D', s->defaultAction);
  feed_opt(&h, 'E', s->has_defaultErrnoRet, s->defaultErrnoRet);
  feed_u64(&h, s->architectures_len);
  for (size_t i = 0; i < s->architectures_len; i++)
    feed_str(&h, 'A', s->architectures[i]);
  feed_u64(&h, s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++)
    feed_syscall(&h, s->syscalls[i]);
  sha256_final(&h, key);
}

/* ---- entries --------------------------------------------------------------------------- */

static void entry_name(const uint8_t key[SECCOMP_CACHE_KEY_LEN],
                       char name[2 * SHA256_DIGEST_LEN + 1])
{
  sha256_hex(key, name);
}

static bool read_exact(int fd, void *buf, size_t len)
{
  size_t done = 0;

  while (done < len) {
    ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += (size_t)n;
  }
  return true;
}

static bool entry_valid(int fd, const uint8_t key[SECCOMP_CACHE_KEY_LEN], struct entry_header *hd,
                        struct sock_filter **out)
{
  struct stat st;
  uint8_t sum[SHA256_DIGEST_LEN];
  autofree struct sock_filter *insns = NULL;
  size_t bytes;

  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !private_to_us(&st) ||
      (size_t)st.st_size < sizeof(*hd))
    return false;
  if (!read_exact(fd, hd, sizeof(*hd)) || memcmp(hd->magic, MAGIC, sizeof(hd->magic)) != 0 ||
      hd->version != FORMAT_VERSION || memcmp(hd->key, key, SECCOMP_CACHE_KEY_LEN) != 0 ||
      hd->count == 0 || hd->count > BPF_MAXINSNS)
    return false;
  bytes = (size_t)hd->count * sizeof(struct sock_filter);
  if ((size_t)st.st_size != sizeof(*hd) + bytes)
    return false;
  insns = xmalloc(bytes);
  if (pread(fd, insns, bytes, sizeof(*hd)) != (ssize_t)bytes)
    return false;
  sha256(insns, bytes, sum);
  if (memcmp(sum, hd->checksum, sizeof(sum)) != 0)
    return false;
  *out = steal_ptr(insns);
  return true;
}

bool seccomp_cache_get(int dirfd, const uint8_t key[SECCOMP_CACHE_KEY_LEN],
                       struct sock_filter **insns, size_t *len)
{
  char name[2 * SHA256_DIGEST_LEN + 1];
  struct entry_header hd;
  autoclose int fd = -1;

  entry_name(key, name);
  fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    log_debug("seccomp cache: no entry %s", name);
    return false;
  }
  /* ELOOP: a symlink, which is never followed. */
  if (fd < 0) {
    log_debug("seccomp cache: entry %s is not valid (%s), ignored", name, strerror(errno));
    return false;
  }
  if (!entry_valid(fd, key, &hd, insns)) {
    log_debug("seccomp cache: entry %s is not valid, ignored", name);
    return false;
  }
  *len = hd.count;
  log_debug("seccomp cache: program %s (%u instructions) loaded", name, hd.count);
  return true;
}

/* Storing one entry more than the cap empties the directory first: profiles that change all
 * the time cannot fill the state root. */
static void prune(int dirfd)
{
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  struct dirent *e;
  size_t n = 0;

  if (d == NULL) {
    if (fd >= 0)
      close(fd);
    return;
  }
  while ((e = readdir(d)) != NULL)
    n += e->d_name[0] != '.';
  if (n >= SECCOMP_CACHE_MAX) {
    rewinddir(d);
    while ((e = readdir(d)) != NULL)
      if (e->d_name[0] != '.')
        unlinkat(dirfd, e->d_name, 0);
  }
  closedir(d);
}

void seccomp_cache_put(int dirfd, const uint8_t key[SECCOMP_CACHE_KEY_LEN],
                       const struct sock_filter *insns, size_t len)
{
  char name[2 * SHA256_DIGEST_LEN + 1], tmp[128];
  struct entry_header hd = {.magic = MAGIC, .version = FORMAT_VERSION, .count = (uint32_t)len};
  size_t bytes = len * sizeof(*insns);
  autoclose int fd = -1;

  if (len == 0 || len > BPF_MAXINSNS)
    return;
  prune(dirfd);
  entry_name(key, name);
  memcpy(hd.key, key, sizeof(hd.key));
  sha256(insns, bytes, hd.checksum);
  /* Unique: creates of the same profile may store it at the same time. */
  snprintf(tmp, sizeof(tmp), ".%.16s.%d.tmp", name, (int)getpid());
  unlinkat(dirfd, tmp, 0);
  fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || write_all(fd, &hd, sizeof(hd)) < 0 || write_all(fd, insns, bytes) < 0 ||
      renameat(dirfd, tmp, dirfd, name) < 0) {
    log_debug("seccomp cache: store %s: %s", name, strerror(errno));
    unlinkat(dirfd, tmp, 0);
    return;
  }
  log_debug("seccomp cache: program %s (%zu instructions) stored", name, len);
}
