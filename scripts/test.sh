#!/usr/bin/env bash
# Set up (venv, pinned dependencies, system packages for the browser test), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-system.sh
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=false
exec .venv/bin/python -m pytest "$@"
