export const MAIN_HELP = `sentiment-train: train and evaluate sentiment models (Sentiment Operator)

Usage:
  sentiment-train train --data <PATH|imdb|URL> --out <DIR> [options]
  sentiment-train evaluate --model <DIR> --data <PATH|imdb|URL> [--json]
  sentiment-train --help | --version

Run "sentiment-train <command> --help" for the options of a command.`;

export const TRAIN_HELP = `Usage: sentiment-train train --data <PATH|imdb|URL> --out <DIR> [options]

Trains a model, evaluates it on the test split and writes the model directory atomically.

Data:
  --data <PATH|imdb|URL>     imdb (downloads the official archive, or uses $SENTIMENT_IMDB_PATH),
                             an aclImdb directory or .tar.gz, a .csv or .jsonl file, or an http(s) URL
  --format <F>               aclImdb | csv | jsonl (default: from the file name or content)
  --text-column <NAME>       CSV column / JSONL field of the text (default: text, else review)
  --label-column <NAME>      ... of the label: pos/neg, positive/negative, 1/0 (default: label, else sentiment)
  --sha256 <HEX>             refuse the data unless its file has this sha256
  --test-split <X>           fraction held out for test when the data has no test split (default 0.2)
  --limit <N>                train on a seeded sample of N examples (quick runs)
  --test-limit <N>           evaluate on a seeded sample of N test examples (default: --limit)

Model and hyperparameters (also from --config; same names as the TrainingRun resource):
  --arch <A>                 nblr (default: fast, most accurate on CPU) | bilstm (reference, slow)
  --epochs <N>               passes over the data at most (early stopping on validation picks the best)
  --batch-size <N>           examples per gradient step (bilstm)
  --learning-rate <X>        optimizer step size (bilstm)
  --seed <N>                 seed of the splits, initialisation and shuffling (default 42)
  --validation-split <X>     fraction of train held out for validation / early stopping (default 0.1)
  --min-freq <N>             minimum token count for the vocabulary (default 5)
  --max-length <N>           tokens per review for sequence models (default 256; nblr reads whole reviews)

Output:
  --out <DIR>                model directory (an existing model there is replaced; other files are not touched)
  --name <NAME>              model name (default "sentiment")
  --version <V>              model version (default: <UTC time>-<content hash>)
  --metrics-file <FILE>      write the metrics summary JSON (<= 4 KiB), e.g. /dev/termination-log
  --config <FILE>            JSON or YAML file with any of the settings above, in camelCase (flags win)

Experiment tracking (best effort: if MLflow fails, the model is still written and the output says so):
  --tracking-uri <URL>       MLflow tracking server (default $MLFLOW_TRACKING_URI); auth from
                             $MLFLOW_TRACKING_USERNAME/$MLFLOW_TRACKING_PASSWORD or $MLFLOW_TRACKING_TOKEN
  --experiment <NAME>        MLflow experiment (default $MLFLOW_EXPERIMENT_NAME, else "sentiment")
  --training-run <NS/NAME>   the TrainingRun this run is for (set by the operator; tags the MLflow run)
  --json                     print the result as JSON on stdout
  --verbose                  debug logs and stack traces`;

export const EVALUATE_HELP = `Usage: sentiment-train evaluate --model <DIR> --data <PATH|imdb|URL> [--json]

Evaluates a saved model. On its training data it uses the very test split training used, so the
figures reproduce the saved test metrics; other data is evaluated whole (its test split if it has one).

  --model <DIR>              model directory written by "sentiment-train train"
  --data <PATH|imdb|URL>     as for train (also --format, --text-column, --label-column, --sha256)
  --config <FILE>            JSON or YAML file with these settings
  --json                     print the metrics as JSON on stdout
  --verbose                  debug logs and stack traces`;
