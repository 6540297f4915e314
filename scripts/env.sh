# Sourced by the other scripts: where the tools live and how they are run.
TOOLS="${QIE_TOOLS:-$HOME/.cache/qie-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS/npm/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export AXE_JS="${AXE_JS:-$TOOLS/npm/node_modules/axe-core/axe.min.js}"
export FAL_CLIENT="${FAL_CLIENT:-$TOOLS/npm/node_modules/@fal-ai/client}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
