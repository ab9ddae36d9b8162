/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: oci_config_parse_data (config.json, read by create and run), then a
 * serialize/parse/serialize round trip (roundtrip.h). */
#include "roundtrip.h"

DEFINE_ROUNDTRIP_FUZZER(config)
