/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand-written libocispec cases: error messages, limits, representation, round trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocispec.h"
#include "tap.h"

#define HEAD "{\"ociVersion\": \"1.3.0\", "

/* The error of parsing json as config.json, NULL when it parses. */
static char *config_error(const char *json)
{
  char *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);

  if (c != NULL && err != NULL)
    tap_note("both a result and an error: %s", err);
  oci_config_free(c);
  return err;
}

static void refuses(const char *what, const char *json, const char *want)
{
  char *err = config_error(json);

  tap_same(err, want, what);
  free(err);
}

static void refuses_with(const char *what, const char *json, const char *part)
{
  char *err = config_error(json);

  if (!tap_ok(err != NULL && strstr(err, part) != NULL, "%s", what))
    tap_note("got: %s; want a message with: %s", err ? err : "(parsed)", part);
  free(err);
}

/* Parses json as a config and serializes it again: the result must be want. */
static void reserializes(const char *what, const char *json, const char *want)
{
  char *err = NULL, *out = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);

  if (c != NULL)
    out = oci_config_serialize(c, &err);
  tap_same(out ? out : err, want, what);
  free(out);
  free(err);
  oci_config_free(c);
}

static void syntax_errors(void)
{
  refuses("truncated document", HEAD "\"root\": {\"path\": \"rootfs\"",
          "config.json: line 1, column 50: invalid JSON: parse error: premature EOF");
  refuses("misplaced token, line and column", "{\n  \"ociVersion\": ]\n}",
          "config.json: line 2, column 17: invalid JSON: parse error: unallowed token at this "
          "point in JSON text");
  refuses("empty document", "",
          "config.json: line 1, column 1: invalid JSON: parse error: "
          "premature EOF");
  refuses_with("trailing garbage", HEAD "\"root\": {\"path\": \"r\"}} {}", "trailing garbage");
  refuses_with("comments are not JSON", "{\"ociVersion\": \"1\" /* c */}", "comment");
  refuses_with("invalid UTF-8", HEAD "\"hostname\": \"\xff\"}", "invalid bytes in UTF8");
  refuses("not an object", "[]", "config.json: expected object, got array");
}

static void type_errors(void)
{
  refuses("string where an integer belongs",
          HEAD "\"linux\": {\"resources\": {\"memory\": {\"limit\": \"x\"}}}}",
          "config.json: linux.resources.memory.limit: expected integer, got string");
  refuses("fraction where an integer belongs",
          HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1.5, \"gid\": 0}}}",
          "config.json: process.user.uid: expected integer, got number");
  refuses("number where a string belongs", "{\"ociVersion\": 1}",
          "config.json: ociVersion: expected string, got number");
  refuses("object where a bool belongs", HEAD "\"root\": {\"path\": \"r\", \"readonly\": {}}}",
          "config.json: root.readonly: expected boolean, got object");
  refuses("string where an array belongs", HEAD "\"process\": {\"cwd\": \"/\", \"args\": \"sh\"}}",
          "config.json: process.args: expected array, got string");
  refuses("wrong item in an array", HEAD "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\", 1]}}",
          "config.json: process.args[1]: expected string, got number");
  refuses("wrong value in a map", HEAD "\"annotations\": {\"a\": \"b\", \"c\": true}}",
          "config.json: annotations.c: expected string, got boolean");
  refuses("wrong member of a map of objects",
          HEAD "\"linux\": {\"netDevices\": {\"eth0\": {\"name\": 23}}}}",
          "config.json: linux.netDevices.eth0.name: expected string, got number");
  refuses("NUL inside a string", HEAD "\"hostname\": \"a\\u0000b\"}",
          "config.json: hostname: string contains a NUL character");
}

static void missing_fields(void)
{
  refuses("ociVersion missing", "{}", "config.json: ociVersion: required field missing");
  refuses("root.path missing", HEAD "\"root\": {}}",
          "config.json: root.path: required field missing");
  refuses("null counts as absent", HEAD "\"root\": {\"path\": null}}",
          "config.json: root.path: required field missing");
  refuses("process.cwd missing", HEAD "\"process\": {\"args\": [\"sh\"]}}",
          "config.json: process.cwd: required field missing");
  refuses("mount destination missing", HEAD "\"mounts\": [{\"type\": \"proc\"}]}",
          "config.json: mounts[0].destination: required field missing");
  refuses("user.gid missing", HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 0}}}",
          "config.json: process.user.gid: required field missing");
  refuses("hook path missing", HEAD "\"hooks\": {\"poststop\": [{\"args\": []}]}}",
          "config.json: hooks.poststop[0].path: required field missing");
  refuses("rlimit soft missing",
          HEAD "\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
               "\"hard\": 1}]}}",
          "config.json: process.rlimits[0].soft: required field missing");
  refuses("syscall names empty",
          HEAD "\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
               "[{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}}}",
          "config.json: linux.seccomp.syscalls[0].names: expected at least 1 item, got 0");
}

static void constraints(void)
{
  refuses("enum value",
          HEAD "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"foo\"}]}}",
          "config.json: linux.namespaces[1].type: unknown value \"foo\" (one of mount, pid, "
          "network, uts, ipc, user, cgroup, time)");
  refuses("hugepage pageSize pattern",
          HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"64kB\", "
               "\"limit\": 1}]}}}",
          "config.json: linux.resources.hugepageLimits[0].pageSize: \"64kB\" does not match "
          "^[1-9][0-9]*[KMG]B$");
  refuses("rlimit type pattern",
          HEAD "\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"NOFILE\", \"hard\": 1, "
               "\"soft\": 1}]}}",
          "config.json: process.rlimits[0].type: \"NOFILE\" does not match ^RLIMIT_[A-Z]+$");
  refuses("memBwSchema is one line",
          HEAD "\"linux\": {\"intelRdt\": {\"memBwSchema\": \"MB:0=20\\nL3:0=f\"}}}",
          "config.json: linux.intelRdt.memBwSchema: \"MB:0=20\\nL3:0=f\" does not match "
          "^MB:[^\\n]*$");
  refuses("device type pattern",
          HEAD "\"linux\": {\"devices\": [{\"type\": \"cc\", \"path\": \"/dev/x\"}]}}",
          "config.json: linux.devices[0].type: \"cc\" does not match ^[cbup]$");
  refuses("uint32 above its range",
          HEAD "\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": "
               "4294967296}]}}",
          "config.json: linux.uidMappings[0].size: 4294967296 is out of range [0, 4294967295]");
  refuses("negative unsigned",
          HEAD "\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": -1, \"gid\": 0}}}",
          "config.json: process.user.uid: -1 is out of range [0, 4294967295]");
  refuses("int32 below its range",
          HEAD "\"process\": {\"cwd\": \"/\", \"scheduler\": {\"policy\": \"SCHED_OTHER\", "
               "\"nice\": -2147483649}}}",
          "config.json: process.scheduler.nice: -2147483649 is out of range [-2147483648, "
          "2147483647]");
  refuses("int64 overflow",
          HEAD "\"linux\": {\"resources\": {\"pids\": {\"limit\": 9223372036854775808}}}}",
          "config.json: linux.resources.pids.limit: 9223372036854775808 is out of range "
          "[-9223372036854775808, 9223372036854775807]");
  refuses("uint16 weight", HEAD "\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 65536}}}}",
          "config.json: linux.resources.blockIO.weight: 65536 is out of range [0, 65535]");
  refuses("hook timeout at least 1",
          HEAD "\"hooks\": {\"prestart\": [{\"path\": \"/h\", "
               "\"timeout\": 0}]}}",
          "config.json: hooks.prestart[0].timeout: 0 is out of range [1, 9223372036854775807]");
  /* Podman sends the whole st_mode, type bits included (0o20666); only the permission bits are
   * used, as runc does. */
  refuses("fileMode is a uint32",
          HEAD "\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"fileMode\": "
               "4294967296}]}}",
          "config.json: linux.devices[0].fileMode: 4294967296 is out of range [0, 4294967295]");
  refuses("FreeBSD vnet cannot be disabled",
          HEAD "\"freebsd\": {\"jail\": {\"vnet\": \"disable\"}}}",
          "config.json: freebsd.jail.vnet: unknown value \"disable\" (one of new, inherit)");
}

/* A config with levels of nesting in all (the object itself is the first). */
static char *nested(int levels)
{
  char *doc = malloc(sizeof(HEAD "\"x\": ") + 2 * (size_t)levels);
  size_t n;
  int i;

  if (!doc)
    abort();
  n = (size_t)sprintf(doc, HEAD "\"x\": ");

  for (i = 1; i < levels; i++)
    doc[n++] = '[';
  for (i = 1; i < levels; i++)
    doc[n++] = ']';
  strcpy(doc + n, "}");
  return doc;
}

static void patterns(void)
{
  const char *features = "{\"ociVersionMin\": \"1.0.0\", \"ociVersionMax\": \"1.3.0\", "
                         "\"linux\": {\"capabilities\": [\"CAP_SYS_ADMIN\", \"SYS_ADMIN\"]}}";
  char *err = NULL;
  oci_features *f = oci_features_parse_data(features, strlen(features), "features", &err);

  refuses("CPU list with ranges, commas and blanks",
          HEAD "\"process\": {\"cwd\": \"/\", \"execCPUAffinity\": {\"initial\": \"0-3, 7\", "
               "\"final\": \"\"}}}",
          NULL);
  refuses("CPU list with a letter",
          HEAD "\"process\": {\"cwd\": \"/\", \"execCPUAffinity\": {\"final\": \"0-3a\"}}}",
          "config.json: process.execCPUAffinity.final: \"0-3a\" does not match ^[0-9, -]*$");
  refuses("hugepage sizes 2MB and 1GB",
          HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2MB\", "
               "\"limit\": 1}, {\"pageSize\": \"1GB\", \"limit\": 1}]}}}",
          NULL);
  refuses("hugepage size with a leading zero",
          HEAD "\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"02MB\", "
               "\"limit\": 1}]}}}",
          "config.json: linux.resources.hugepageLimits[0].pageSize: \"02MB\" does not match "
          "^[1-9][0-9]*[KMG]B$");
  tap_same(err, "features: linux.capabilities[1]: \"SYS_ADMIN\" does not match ^CAP_[A-Z_]+$",
           "patterns apply to each item of an array");
  free(err);
  oci_features_free(f);
}

static void limits(void)
{
  char *doc = nested(64);
  size_t big = (16u << 20) + 1;

  refuses("64 levels of nesting are fine (in an ignored member)", doc, NULL);
  free(doc);
  doc = nested(65);
  refuses("65 levels of nesting are refused", doc,
          "config.json: line 1, column 93: nesting deeper than 64 levels");
  free(doc);

  doc = malloc(big + 1);
  memset(doc, ' ', big);
  memcpy(doc, "{\"ociVersion\": \"1\"}", 19);
  doc[big] = '\0';
  refuses("16 MiB and one byte are refused", doc,
          "config.json: document of 16777217 bytes is larger than the limit of 16 MiB");
  doc[big - 1] = '\0';
  refuses("16 MiB are fine", doc, NULL);
  free(doc);
}

static void representation(void)
{
  const char *json =
      HEAD "\"mounts\": [], \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 4294967295, "
           "\"gid\": 0, \"additionalGids\": [5, 6]}, \"oomScoreAdj\": -1000}, \"annotations\": "
           "{\"b\": \"1\", \"a\": \"2\", \"b\": \"3\"}, \"linux\": {\"resources\": "
           "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 18446744073709551615}]}, "
           "\"timeOffsets\": {\"monotonic\": {\"secs\": -5}}}, \"unknown\": {\"deep\": [1]}}";
  char *err = NULL;
  oci_config *c = oci_config_parse_data(json, strlen(json), "config.json", &err);

  if (!tap_ok(c != NULL, "representative config parses"))
    tap_note("%s", err);
  free(err);
  if (c == NULL)
    return;
  tap_ok(c->mounts != NULL && c->mounts_len == 0, "a present empty array is non-NULL, len 0");
  tap_ok(c->hooks == NULL && c->root == NULL, "absent objects are NULL");
  tap_ok(c->process->user->has_uid && c->process->user->uid == 4294967295u, "uint32 maximum");
  tap_ok(!c->process->user->has_umask, "absent integer: has_ is false");
  tap_ok(c->process->user->additionalGids_len == 2 && c->process->user->additionalGids[1] == 6,
         "array of integers");
  tap_ok(c->process->has_oomScoreAdj && c->process->oomScoreAdj == -1000, "negative int");
  tap_ok(c->linux->resources->hugepageLimits[0]->limit == UINT64_MAX, "uint64 maximum");
  tap_ok(c->annotations->len == 2 && strcmp(c->annotations->keys[0], "b") == 0 &&
             strcmp(oci_string_map_get(c->annotations, "b"), "3") == 0,
         "duplicate keys: the last value wins, at the first one's place");
  tap_ok(oci_time_offset_map_get(c->linux->timeOffsets, "monotonic")->secs == -5, "map of objects");
  tap_ok(oci_string_map_set(c->annotations, "a", "x") == 0 &&
             oci_string_map_set(c->annotations, "z", "y") == 0 && c->annotations->len == 3 &&
             strcmp(oci_string_map_get(c->annotations, "a"), "x") == 0,
         "oci_string_map_set replaces and appends");
  oci_config_free(c);
}

static void round_trips(void)
{
  reserializes("canonical order, unknown keys dropped, empty arrays kept",
               "{\"root\": {\"readonly\": false, \"path\": \"r\"}, \"x\": 1, \"mounts\": [], "
               "\"ociVersion\": \"1.3.0\"}",
               "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\",\"readonly\":false},"
               "\"mounts\":[]}");
  reserializes("map key order kept",
               HEAD "\"annotations\": {\"z\": \"1\", \"a\": \"2\", \"m\": \"3\"}}",
               "{\"ociVersion\":\"1.3.0\",\"annotations\":{\"z\":\"1\",\"a\":\"2\",\"m\":\"3\"}}");
  reserializes("large unsigned and negative values",
               HEAD "\"linux\": {\"resources\": {\"memory\": {\"limit\": -1, \"swappiness\": "
                    "18446744073709551615}}}}",
               "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":-1,"
               "\"swappiness\":18446744073709551615}}}}");
  reserializes("escapes survive", HEAD "\"hostname\": \"a\\\"b\\\\c\\n\\u00e9/\"}",
               "{\"ociVersion\":\"1.3.0\",\"hostname\":\"a\\\"b\\\\c\\n\xc3\xa9/\"}");
  reserializes("windows credentialSpec kept as any object",
               HEAD "\"windows\": {\"layerFolders\": [\"C:\\\\l\"], \"credentialSpec\": "
                    "{\"a\": [1, 2.5, null, true, {\"b\": \"c\"}]}}}",
               "{\"ociVersion\":\"1.3.0\",\"windows\":{\"layerFolders\":[\"C:\\\\l\"],"
               "\"credentialSpec\":{\"a\":[1,2.5,null,true,{\"b\":\"c\"}]}}}");
}

static void serialize_checks(void)
{
  oci_config c = {0};
  oci_root root = {0};
  oci_state st = {0};
  char *err = NULL, *out;

  c.ociVersion = "1.3.0";
  c.root = &root;
  out = oci_config_serialize(&c, &err);
  tap_ok(out == NULL, "serialize refuses a missing required field");
  tap_same(err, "oci_config: root.path: required field missing", "... and says which");
  free(err);
  free(out);

  st.ociVersion = "1.3.0";
  st.id = "c1";
  st.status = "paused";
  st.bundle = "/b";
  st.pid = 42;
  st.has_pid = true;
  out = oci_state_serialize(&st, &err);
  tap_same(out,
           "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"paused\",\"pid\":42,"
           "\"bundle\":\"/b\"}",
           "a state built by hand serializes (status paused, as runc reports it)");
  free(out);
  st.status = "running";
  st.bundle = "/b\xff";
  out = oci_state_serialize(&st, &err);
  tap_same(err, "oci_state: bundle: not valid UTF-8", "serialize refuses invalid UTF-8");
  free(err);
  free(out);
  st.bundle = "/b";
  st.status = "sleeping";
  out = oci_state_serialize(&st, &err);
  tap_ok(out == NULL && err != NULL && strstr(err, "oci_state: status: unknown value") != NULL,
         "serialize checks enums");
  free(err);
  free(out);
}

static void other_documents(void)
{
  const char *json = "{\"ociVersionMin\": \"1.0.0\"}";
  char *err = NULL;
  oci_features *f = oci_features_parse_data(json, strlen(json), "features", &err);
  oci_state *s;

  tap_same(err, "features: ociVersionMax: required field missing", "features needs ociVersionMax");
  oci_features_free(f);
  free(err);
  json = "{\"ociVersion\": \"1.3.0\", \"id\": \"x\", \"status\": \"running\", \"bundle\": "
         "\"/b\", \"pid\": -1}";
  s = oci_state_parse_data(json, strlen(json), "state.json", &err);
  tap_same(err, "state.json: pid: -1 is out of range [0, 9223372036854775807]",
           "state pid is not negative");
  oci_state_free(s);
  free(err);
  s = oci_state_parse_file("/nonexistent/state.json", "state.json", &err);
  tap_same(err, "state.json: open /nonexistent/state.json: No such file or directory",
           "a missing file names the path and errno");
  oci_state_free(s);
  free(err);
  s = oci_state_parse_data("{", 1, NULL, NULL);
  tap_ok(s == NULL, "err and origin may be NULL");
}

int main(void)
{
  syntax_errors();
  type_errors();
  missing_fields();
  constraints();
  patterns();
  limits();
  representation();
  round_trips();
  serialize_checks();
  other_documents();
  return tap_done();
}
