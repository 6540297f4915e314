#!/usr/bin/env bash
# The fake queue server on its own, to try the whole flow with no key.
# In the app: Provider Custom, base http://127.0.0.1:8787, key demo-key.
set -euo pipefail
source "$(dirname "$0")/env.sh"
exec cargo run --locked -q -p e2e --bin fake-queue -- "$@"
