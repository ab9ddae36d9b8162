/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun features`: what this build really supports, as runtime-spec features JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capabilities.h"
#include "cli.h"
#include "json.h"
#include "mounts.h"
#include "namespaces.h"
#include "ocispec.h"
#include "utils.h"

#include "config.h"

static char **copy_strings(const char *const *src, size_t n)
{
  char **out = xcalloc(n, sizeof(char *));

  for (size_t i = 0; i < n; i++)
    out[i] = xstrdup(src[i]);
  return out;
}

static const char *const hook_names[] = {"prestart",  "createRuntime", "createContainer",
                                         "startContainer", "poststart", "poststop"};

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

static void fill_mount_options(oci_features *f)
{
  size_t n = 0;
  const char *const *names = mount_option_names(&n);

  f->mountOptions = copy_strings(names, n);
  f->mountOptions_len = n;
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
  rc = cli_parse(cmd, opts, argc, argv, &pos);
  if (rc != 0)
    return rc < 0;
  if (cli_require_args(cmd, argc - pos, 0, 0) < 0)
    return 1;
  f = xcalloc(1, sizeof(*f));
  f->ociVersionMin = xstrdup("1.0.0");
  f->ociVersionMax = xstrdup(OCI_SPEC_VERSION);
  f->hooks = copy_strings(hook_names, sizeof(hook_names) / sizeof(hook_names[0]));
  f->hooks_len = sizeof(hook_names) / sizeof(hook_names[0]);
  fill_mount_options(f);
  f->linux = xcalloc(1, sizeof(*f->linux));
  fill_namespaces(f->linux);
  fill_capabilities(f->linux);
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
