/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device rules on cgroup v2: there are no devices.allow/deny files, the kernel asks a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup instead. The rules are first
 * run through a model of the v1 controller (a default — allow or deny — plus exceptions; an
 * "a" rule resets both), so that a list means the same on v1 and v2, then the exceptions are
 * compiled into a straight-line program (raw bpf(2), no library):
 *
 *   r2 = ctx->access_type; r3 = r2 & 0xffff (type); r2 >>= 16 (access)
 *   r4 = ctx->major; r5 = ctx->minor
 *   per exception: type, major, minor match (wildcards skip the test) and
 *     deny-by-default: every requested access is in the exception → return 1
 *     allow-by-default: any requested access is in the exception → return 0
 *   return the default
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "internal.h"
#include "utils.h"

/* ---- the v1 model --------------------------------------------------------------------- */

static unsigned access_bits(const char *access)
{
  unsigned bits = 0;

  for (const char *p = access; *p; p++)
    bits |= *p == 'm' ? BPF_DEVCG_ACC_MKNOD : *p == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
  return bits;
}

struct dev_exception {
  char type; /* 'b' or 'c' */
  int64_t major, minor;
  unsigned access;
};

struct dev_model {
  bool allow_default;
  struct dev_exception *ex;
  size_t n;
};

static struct dev_exception *find_exact(struct dev_model *m, const struct cg_device_rule *r)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->ex[i].type == r->type && m->ex[i].major == r->major && m->ex[i].minor == r->minor)
      return &m->ex[i];
  return NULL;
}

static void model_apply(struct dev_model *m, const struct cg_device_rule *r)
{
  unsigned bits = access_bits(r->access);
  struct dev_exception *e;

  if (r->type == 'a') {
    m->allow_default = r->allow;
    m->n = 0;
    return;
  }
  e = find_exact(m, r);
  if (r->allow != m->allow_default) {
    /* An exception to the default: add, or widen one for the same device. */
    if (e) {
      e->access |= bits;
      return;
    }
    m->ex = xrealloc(m->ex, (m->n + 1) * sizeof(*m->ex));
    m->ex[m->n++] = (struct dev_exception){r->type, r->major, r->minor, bits};
    return;
  }
  /* The same as the default: take the bits out of a matching exception. */
  if (e) {
    e->access &= ~bits;
    if (e->access == 0)
      *e = m->ex[--m->n];
  }
}

/* ---- the program ---------------------------------------------------------------------- */

#define INSN(c, d, s, o, i)                                                                        \
  ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src) INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define AND32_IMM(dst, imm) INSN(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm) INSN(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct prog {
  struct bpf_insn *insns;
  size_t n, cap;
};

static void emit(struct prog *p, struct bpf_insn insn)
{
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->insns = xrealloc(p->insns, p->cap * sizeof(*p->insns));
  }
  p->insns[p->n++] = insn;
}

static void emit_exception(struct prog *p, const struct dev_exception *e, bool allow_default)
{
  size_t jumps[5], nj = 0;

  if (e->type == 'b' || e->type == 'c') {
    jumps[nj++] = p->n;
    emit(p, JNE_IMM(3, e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
  }
  if (e->major >= 0) {
    jumps[nj++] = p->n;
    emit(p, JNE_IMM(4, (int32_t)e->major, 0));
  }
  if (e->minor >= 0) {
    jumps[nj++] = p->n;
    emit(p, JNE_IMM(5, (int32_t)e->minor, 0));
  }
  emit(p, MOV32_REG(6, 2));
  if (!allow_default) {
    /* Allowed only when nothing requested lies outside the exception. */
    emit(p, AND32_IMM(6, (int32_t)(~e->access & 7)));
    jumps[nj++] = p->n;
    emit(p, JNE_IMM(6, 0, 0));
    emit(p, MOV64_IMM(0, 1));
  } else {
    /* Denied when anything requested lies in the exception. */
    emit(p, AND32_IMM(6, (int32_t)e->access));
    jumps[nj++] = p->n;
    emit(p, JEQ_IMM(6, 0, 0));
    emit(p, MOV64_IMM(0, 0));
  }
  emit(p, EXIT());
  /* Every "no match" jumps to the next block. */
  for (size_t i = 0; i < nj; i++)
    p->insns[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
}

static void compile(const struct dev_model *m, struct prog *p)
{
  emit(p, LDX_W(2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
  emit(p, MOV32_REG(3, 2));
  emit(p, AND32_IMM(3, 0xffff));
  emit(p, RSH32_IMM(2, 16));
  emit(p, LDX_W(4, 1, offsetof(struct bpf_cgroup_dev_ctx, major)));
  emit(p, LDX_W(5, 1, offsetof(struct bpf_cgroup_dev_ctx, minor)));
  for (size_t i = 0; i < m->n; i++)
    emit_exception(p, &m->ex[i], m->allow_default);
  emit(p, MOV64_IMM(0, m->allow_default ? 1 : 0));
  emit(p, EXIT());
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
  return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cgroup_v2_devices_apply(const char *dir, const struct cg_device_rule *rules, size_t n,
                            ocirun_error *err)
{
  /* A new cgroup2 directory allows every device: the model starts there. */
  struct dev_model model = {.allow_default = true};
  struct prog prog = {0};
  union bpf_attr attr;
  autoclose int prog_fd = -1;
  autoclose int dir_fd = -1;
  char log[4096] = "";
  int ret = 0;

  for (size_t i = 0; i < n; i++)
    model_apply(&model, &rules[i]);
  compile(&model, &prog);
  free(model.ex);

  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)prog.insns;
  attr.insn_cnt = (uint32_t)prog.n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof(log);
  attr.log_level = 1;
  prog_fd = sys_bpf(BPF_PROG_LOAD, &attr);
  if (prog_fd < 0 && errno == ENOSPC) {
    /* The verifier's log did not fit: load again without it. */
    attr.log_buf = 0;
    attr.log_size = 0;
    attr.log_level = 0;
    prog_fd = sys_bpf(BPF_PROG_LOAD, &attr);
  }
  free(prog.insns);
  if (prog_fd < 0) {
    int saved = errno;
    log[sizeof(log) - 1] = '\0';
    return error_set(err, saved, "cgroup: load the device filter (%zu rules)%s%s", n,
                     log[0] ? ": " : "", log[0] ? log : "");
  }
  dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return error_set(err, errno, "cgroup: open %s", dir);
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)dir_fd;
  attr.attach_bpf_fd = (uint32_t)prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
    ret = error_set(err, errno, "cgroup: attach the device filter to %s", dir);
  return ret;
}
