/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "devices.h"
#include "sync.h"
#include "utils.h"

int console_socket_connect(const char *path, ocirun_error *err)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  int fd;

  if (strlen(path) >= sizeof(addr.sun_path))
    return error_set(err, 0, "console socket path \"%s\" is too long", path);
  strcpy(addr.sun_path, path);
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return error_set(err, errno, "console socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    int saved = errno;
    close(fd);
    return error_set(err, saved, "connect to console socket \"%s\"", path);
  }
  return fd;
}

/* /dev/console is bound from the pty's fd, never by a path the container controls. */
static int bind_dev_console(int slave, ocirun_error *err)
{
  autoclose int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (root < 0)
    return error_set(err, errno, "open /");
  return devices_setup_console(root, slave, err);
}

int terminal_setup(int console_sock, const oci_box *size, int bind_console, ocirun_error *err)
{
  autoclose int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  autoclose int slave = -1;
  int unlock = 0;

  if (master < 0)
    return error_set(err, errno, "open /dev/ptmx");
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
    return error_set(err, errno, "unlock pty");
  /* TIOCGPTPEER opens the slave through the master, not through a path in /dev/pts. */
  slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return error_set(err, errno, "open pty slave");
  if (size && size->has_height && size->has_width) {
    struct winsize ws = {.ws_row = (unsigned short)size->height,
                         .ws_col = (unsigned short)size->width};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0)
      return error_set(err, errno, "set terminal size");
  }
  if (bind_console && bind_dev_console(slave, err) < 0)
    return -1;
  if (send_fd(console_sock, master, "/dev/ptmx", err) < 0)
    return error_prefix(err, "console socket");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return error_set(err, errno, "dup pty onto stdio");
  if (ioctl(0, TIOCSCTTY, 0) < 0)
    return error_set(err, errno, "set controlling terminal");
  return 0;
}
