/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: oci_process_parse_data (exec --process), then a serialize/parse/serialize round trip
 * (roundtrip.h). */
#include "roundtrip.h"

DEFINE_ROUNDTRIP_FUZZER(process)
