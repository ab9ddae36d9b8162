/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: oci_container_record_parse_data (state.json, read by every command), then a
 * serialize/parse/serialize round trip (roundtrip.h). */
#include "roundtrip.h"

DEFINE_ROUNDTRIP_FUZZER(container_record)
