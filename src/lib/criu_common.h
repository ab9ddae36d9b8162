/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What checkpoint and restore both tell CRIU: the image and work directories, the options
 * taken from the command line, the mounts CRIU cannot dump itself (bind mounts, masked
 * files, device nodes bound from the host), namespaces the container joined. */
#ifndef OCIRUN_CRIU_COMMON_H
#define OCIRUN_CRIU_COMMON_H

#include "criu.h"
#include "criu_swrk.h"

/* The file in the image dir that lists the init's stdio at dump time (runc's name): on
 * restore, pipes among them are replaced by the restoring runtime's own stdio. */
#define CRIU_DESCRIPTORS "descriptors.json"

/* Owns what the request points to. */
struct criu_request {
  CriuReq req;
  CriuOpts opts;
  int images_fd, work_fd;
  char *images_dir, *log_dir;
  ExtMountMap **ext;
  size_t next;
  char **strings; /* to free */
  size_t nstrings;
};

/* Opens (making them, mode 0700, when create) the image and work directories and fills the
 * common options. */
int criu_request_init(struct criu_request *r, CriuReqType type, const struct criu_options *o,
                      bool create, const char *log_file, ocirun_error *err);
void criu_request_release(struct criu_request *r);

/* An external mount: key → val. */
void criu_add_ext_mount(struct criu_request *r, const char *key, const char *val);

/* A string the request keeps until release. */
char *criu_keep(struct criu_request *r, char *s);

/* The CLONE_NEW* of a config namespace type ("network" → CLONE_NEWNET); 0 when unknown. */
int criu_ns_flag(const char *type);

/* CRIU's key for a namespace the container joined: "extRootNetNS", "extRootPidNS". */
const char *criu_ns_key(const char *type);

/* True for a bind mount in config.json. */
bool criu_is_bind_mount(const oci_mount *m);

#endif
