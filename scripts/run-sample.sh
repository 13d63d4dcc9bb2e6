#!/usr/bin/env bash
# Set up, then run the pipeline on the bundled sample articles and show what landed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
WAREHOUSE="${NEWSETL_WAREHOUSE:-warehouse-data}"
.venv/bin/newsetl run data/sample --warehouse "$WAREHOUSE"
.venv/bin/newsetl sql --warehouse "$WAREHOUSE" \
  "select sector, sum(articles) as articles, sum(unique_stories) as unique_stories from sector_monthly group by sector order by articles desc, sector"
