/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun features`: what this build really supports, as runtime-spec features JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capabilities.h"
#include "cli.h"
#include "idmapped.h"
#include "json.h"
#include "mounts.h"
#include "namespaces.h"
#include "ocispec.h"
#include "seccomp_profile.h"
#include "utils.h"

#include "config.h"

static char **copy_strings(const char *const *src, size_t n)
{
  char **out = xcalloc(n, sizeof(char *));

  for (size_t i = 0; i < n; i++)
    out[i] = xstrdup(src[i]);
  return out;
}

static const char *const hook_names[] = {"prestart",       "createRuntime", "createContainer",
                                         "startContainer", "poststart",     "poststop"};

static void fill_namespaces(oci_features_linux *lx)
{
  lx->namespaces = xcalloc(NS_KINDS, sizeof(char *));
  for (size_t i = 0; i < NS_KINDS; i++)
    lx->namespaces[i] = xstrdup(ns_kinds[i].type);
  lx->namespaces_len = NS_KINDS;
}

static void fill_capabilities(oci_features_linux *lx)
{
  size_t n = 0;
  const char *const *names = capability_names(&n);

  lx->capabilities = copy_strings(names, n);
  lx->capabilities_len = n;
}

static char **copy_null_terminated(const char *const *src, size_t *n)
{
  for (*n = 0; src[*n]; (*n)++)
    ;
  return copy_strings(src, *n);
}

static void fill_seccomp(oci_features_linux *lx)
{
  static const char *const flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                      "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                      "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  oci_features_seccomp *sc = xcalloc(1, sizeof(*sc));
  size_t n = 0;

  sc->enabled = seccomp_enabled();
  sc->has_enabled = true;
  lx->seccomp = sc;
  if (!sc->enabled)
    return;
  sc->actions = copy_null_terminated(seccomp_known_actions(), &sc->actions_len);
  sc->operators = copy_null_terminated(seccomp_known_operators(), &sc->operators_len);
  sc->archs = copy_null_terminated(seccomp_known_archs(), &sc->archs_len);
  sc->knownFlags = copy_null_terminated(seccomp_known_flags(), &sc->knownFlags_len);
  sc->supportedFlags = xcalloc(sizeof(flags) / sizeof(flags[0]), sizeof(char *));
  for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
    if (seccomp_flag_supported(flags[i]))
      sc->supportedFlags[n++] = xstrdup(flags[i]);
  sc->supportedFlags_len = n;
}

/* The runtime applies profiles and labels (lsm.c), whether or not this host runs the module,
 * as runc reports it. */
static void fill_lsm(oci_features_linux *lx)
{
  lx->apparmor = xcalloc(1, sizeof(*lx->apparmor));
  lx->apparmor->has_enabled = lx->apparmor->enabled = true;
  lx->selinux = xcalloc(1, sizeof(*lx->selinux));
  lx->selinux->has_enabled = lx->selinux->enabled = true;
}

/* What is not built yet says so, rather than being left out; idmap says what the kernel can. */
static void fill_not_supported(oci_features_linux *lx)
{
  lx->intelRdt = xcalloc(1, sizeof(*lx->intelRdt));
  lx->intelRdt->has_enabled = true;
  lx->mountExtensions = xcalloc(1, sizeof(*lx->mountExtensions));
  lx->mountExtensions->idmap = xcalloc(1, sizeof(*lx->mountExtensions->idmap));
  lx->mountExtensions->idmap->has_enabled = true;
  /* Idmapped bind mounts work wherever the kernel has mount_setattr. */
  lx->mountExtensions->idmap->enabled = idmapped_supported();
}

static void fill_mount_options(oci_features *f)
{
  size_t n = 0;
  const char *const *names = mount_option_names(&n);
  bool idmap = idmapped_supported();

  f->mountOptions = xcalloc(n + 2, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    f->mountOptions[i] = xstrdup(names[i]);
  /* After the sorted table: recognized always, advertised only where they can work. */
  if (idmap) {
    f->mountOptions[n++] = xstrdup("idmap");
    f->mountOptions[n++] = xstrdup("ridmap");
  }
  f->mountOptions_len = n;
}

/* runc's key: clients read it to know that checkpoint and restore are built in. */
static void fill_annotations(oci_features *f)
{
#if HAVE_CRIU
  f->annotations = xcalloc(1, sizeof(*f->annotations));
  f->annotations->keys = xcalloc(1, sizeof(char *));
  f->annotations->values = xcalloc(1, sizeof(char *));
  f->annotations->keys[0] = xstrdup("org.opencontainers.runc.checkpoint.enabled");
  f->annotations->values[0] = xstrdup("true");
  f->annotations->len = 1;
#else
  (void)f;
#endif
}

static int run_features(const struct cli_command *cmd, const struct global_options *g, int argc,
                        char **argv)
{
  const struct cli_option opts[] = {{0}};
  oci_features *f;
  autofree char *errmsg = NULL;
  autofree char *json = NULL;
  autofree char *pretty = NULL;
  int pos, rc;

  (void)g;
  rc = cli_parse_args(cmd, opts, argc, argv, 0, 0, &pos);
  if (rc != 0)
    return rc < 0;
  f = xcalloc(1, sizeof(*f));
  f->ociVersionMin = xstrdup("1.0.0");
  f->ociVersionMax = xstrdup(OCI_SPEC_VERSION);
  f->hooks = copy_strings(hook_names, sizeof(hook_names) / sizeof(hook_names[0]));
  f->hooks_len = sizeof(hook_names) / sizeof(hook_names[0]);
  fill_mount_options(f);
  f->linux = xcalloc(1, sizeof(*f->linux));
  fill_namespaces(f->linux);
  fill_capabilities(f->linux);
  fill_seccomp(f->linux);
  fill_lsm(f->linux);
  fill_not_supported(f->linux);
  fill_annotations(f);
  json = oci_features_serialize(f, &errmsg);
  oci_features_free(f);
  if (json == NULL)
    return cli_fail("%s", errmsg);
  pretty = json_pretty(json);
  fputs(pretty, stdout);
  return 0;
}

const struct cli_command cmd_features = {
    .name = "features",
    .usage = "",
    .summary = "Print the runtime-spec features this build supports, as JSON.",
    .run = run_features,
};
