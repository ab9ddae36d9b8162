#!/bin/bash
# From a fresh Debian 12 machine: install what is needed, build, and run a busybox container.
set -euo pipefail
cd "$(dirname "$0")/.."
contrib/install-deps.sh
contrib/build.sh
contrib/demo.sh build/src/ocirun
