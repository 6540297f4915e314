#!/usr/bin/env bash
# Sets up a fresh machine if needed, then serves the app with live reload
# on http://127.0.0.1:8080 (release build: the same code people get).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash scripts/setup.sh
trunk_release serve --release --address 127.0.0.1 --port "${PORT:-8080}" "$@"
