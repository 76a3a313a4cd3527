#!/bin/sh
# Entrypoint of the sentiment-server image, which holds both programs:
#   train ... | evaluate ...   the trainer (a TrainingRun Job passes `train --data ... --out ...`)
#   anything else              the model server (a SentimentModel's Deployment passes no arguments)
# `exec` makes node PID 1, so SIGTERM reaches it and the server drains.
set -eu
app="${SENTIMENT_APP_DIR:-/app}"
case "${1:-}" in
  train | evaluate) exec node "$app/trainer/bin/sentiment-train.js" "$@" ;;
  *) exec node "$app/model-server/bin/sentiment-serve.js" "$@" ;;
esac
