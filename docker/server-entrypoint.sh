#!/bin/sh
# Entrypoint of the sentiment-server image, which holds both programs:
#   train ... | evaluate ...   the trainer (a TrainingRun Job passes `train --data ... --out ...`)
#   anything else              the model server (a SentimentModel's Deployment passes no arguments)
# `exec` makes node PID 1, so SIGTERM reaches it and the server drains.
# The server runs with a 4 MiB young generation and two malloc arenas: 139 MiB of RSS after
# bench:serve's traffic instead of 274, for 0.8-1.0x the maximum throughput without them
# (BENCHMARKS.md, "Model server memory"). Compose mode runs this same script.
set -eu
app="${SENTIMENT_APP_DIR:-/app}"
case "${1:-}" in
  train | evaluate) exec node "$app/trainer/bin/sentiment-train.js" "$@" ;;
  *)
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
    exec node --max-semi-space-size=4 "$app/model-server/bin/sentiment-serve.js" "$@"
    ;;
esac
