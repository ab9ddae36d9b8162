/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `ocirun spec`: a starting config.json like runc's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "ocispec.h"
#include "utils.h"

#include "config.h"

static const char default_spec[] =
    "{\"ociVersion\":\"" OCI_SPEC_VERSION "\","
    "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "\"TERM=xterm\"],\"cwd\":\"/\","
    "\"capabilities\":{\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "\"noNewPrivileges\":true},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"ocirun\","
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]}"
    ","
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
    "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
    "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
    "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
    "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\","
    "\"/sys/firmware\",\"/proc/scsi\"],"
    "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
    "\"/proc/sysrq-trigger\"]}}";

static oci_id_mapping **single_mapping(unsigned long long host_id)
{
  oci_id_mapping **maps = xcalloc(1, sizeof(*maps));

  maps[0] = xcalloc(1, sizeof(**maps));
  maps[0]->containerID = 0;
  maps[0]->hostID = host_id;
  maps[0]->size = 1;
  maps[0]->has_containerID = maps[0]->has_hostID = maps[0]->has_size = true;
  return maps;
}

/* Like runc: a user namespace mapping root to the caller, no network namespace (it could not
 * be configured), /sys bound read-only from the host (sysfs needs a network namespace of its
 * own), no resources, no uid=/gid= mount options. */
static void make_rootless(oci_config *c)
{
  oci_linux *lx = c->linux;
  size_t n = 0;

  for (size_t i = 0; i < lx->namespaces_len; i++) {
    if (strcmp(lx->namespaces[i]->type, "network") == 0) {
      oci_namespace_free(lx->namespaces[i]);
      continue;
    }
    lx->namespaces[n++] = lx->namespaces[i];
  }
  lx->namespaces = xrealloc(lx->namespaces, (n + 1) * sizeof(*lx->namespaces));
  lx->namespaces[n] = xcalloc(1, sizeof(oci_namespace));
  lx->namespaces[n]->type = xstrdup("user");
  lx->namespaces_len = n + 1;
  lx->uidMappings = single_mapping(geteuid());
  lx->uidMappings_len = 1;
  lx->gidMappings = single_mapping(getegid());
  lx->gidMappings_len = 1;
  oci_resources_free(lx->resources);
  lx->resources = NULL;

  for (size_t i = 0; i < c->mounts_len; i++) {
    oci_mount *m = c->mounts[i];
    if (strcmp(m->destination, "/sys") == 0) {
      free(m->type);
      free(m->source);
      m->type = xstrdup("none");
      m->source = xstrdup("/sys");
      for (size_t o = 0; o < m->options_len; o++)
        free(m->options[o]);
      free(m->options);
      m->options = xcalloc(5, sizeof(char *));
      m->options[0] = xstrdup("rbind");
      m->options[1] = xstrdup("nosuid");
      m->options[2] = xstrdup("noexec");
      m->options[3] = xstrdup("nodev");
      m->options[4] = xstrdup("ro");
      m->options_len = 5;
    } else {
      /* uid=/gid= name host ids the user namespace may not map */
      size_t k = 0;
      for (size_t o = 0; o < m->options_len; o++) {
        if (strncmp(m->options[o], "gid=", 4) == 0 || strncmp(m->options[o], "uid=", 4) == 0)
          free(m->options[o]);
        else
          m->options[k++] = m->options[o];
      }
      m->options_len = k;
    }
  }
}

static int run_spec(const struct cli_command *cmd, const struct global_options *g, int argc,
                    char **argv)
{
  const char *bundle = ".";
  bool rootless = false;
  const struct cli_option opts[] = {
      {"bundle", 'b', OPT_STRING, &bundle, "directory to write config.json into"},
      {"rootless", 0, OPT_BOOL, &rootless, "a config for an unprivileged user"},
      {0},
  };
  autofree char *errmsg = NULL;
  autofree char *json = NULL;
  autofree char *pretty = NULL;
  autoclose int dirfd = -1;
  ocirun_error err = {0};
  oci_config *config;
  int pos, rc;

  (void)g;
  rc = cli_parse_args(cmd, opts, argc, argv, 0, 0, &pos);
  if (rc != 0)
    return rc < 0;
  config = oci_config_parse_data(default_spec, strlen(default_spec), "default spec", &errmsg);
  if (config == NULL)
    return cli_fail("%s", errmsg);
  if (rootless)
    make_rootless(config);
  json = oci_config_serialize(config, &errmsg);
  oci_config_free(config);
  if (json == NULL)
    return cli_fail("%s", errmsg);
  pretty = json_pretty(json);
  dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return cli_fail("bundle \"%s\": %s", bundle, strerror(errno));
  if (faccessat(dirfd, "config.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return cli_fail("File config.json exists. Remove it first");
  if (write_file_atomic(dirfd, "config.json", pretty, strlen(pretty), 0644, &err) < 0)
    return cli_fail("%s", err.msg);
  return 0;
}

const struct cli_command cmd_spec = {
    .name = "spec",
    .usage = "[command options]",
    .summary = "Write a starting config.json for a bundle.",
    .run = run_spec,
};
