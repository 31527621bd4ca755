#!/bin/sh
# Paper trading on the grid: a live SMA-crossover sweep follows the S&P 500 sample replayed bar by bar.
#
#   SHOAL_TOKEN=shoal_… sh examples/paper-trading.sh [COORDINATOR_URL] [EVERY_MS]
#
# Uploads the sample's first 4000 bars (2000–2015) and submits examples/quant-sma-sweep.lua on them
# as a live job, then replays the remaining bars one every EVERY_MS ms (default 1000) with
# `shoal replay`. Each bar is a new dataset version: the live job reruns on it, reusing every task
# whose rows did not change, and its job page (the URL printed below) shows the version, the tasks
# reused, the best parameters, their equity curve up to the newest bar, and their sharpe by version
# as bars arrive. When the replay ends, or
# Ctrl-C stops it, the script stops the live job too; the versions and their jobs stay.
# Start a grid first: `npm start` and a volunteer (`npx shoal worker --coordinator URL`).
set -eu
url=${1:-http://localhost:8080}
every=${2:-1000}
: "${SHOAL_TOKEN:?set SHOAL_TOKEN to an author token (shoal coordinator prints one)}"
export SHOAL_TOKEN
sample=public/datasets/sp500.csv
work=$(mktemp -d)
# Named sp500.csv, so the series keeps the sample's key.
head -n 4001 "$sample" > "$work/sp500.csv"
{ head -n 1 "$sample"; tail -n +4002 "$sample"; } > "$work/rest.csv"

npx shoal submit --coordinator "$url" --live examples/quant-sma-sweep.lua --data "$work/sp500.csv" \
  --param fast=5,10,20,50 --param slow=50,100,150,200 --split rows=500 --halo 200 > "$work/versions.jsonl" &
live=$!
trap 'kill "$live" 2>/dev/null || true' EXIT
# The first version's line names the dataset the replay appends to.
until [ -s "$work/versions.jsonl" ]; do
  kill -0 "$live" 2>/dev/null || { echo "paper-trading: shoal submit --live ended early" >&2; exit 1; }
  sleep 1
done
dataset=$(head -n 1 "$work/versions.jsonl" | sed 's/.*"dataset":"\([^"]*\)".*/\1/')
echo "paper-trading: replaying $(awk "END { print NR - 1 }" "$work/rest.csv") bars into $dataset; each version's result is a line of $work/versions.jsonl" >&2
npx shoal replay --coordinator "$url" "$dataset" "$work/rest.csv" --every "$every"
