/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer: oci_resources_parse_data (update --resources), then a serialize/parse/serialize round
 * trip (roundtrip.h). */
#include "roundtrip.h"

DEFINE_ROUNDTRIP_FUZZER(resources)
