"""A scikit-learn text classifier for blindspot: TF-IDF over word 1-2 grams and logistic regression.

    python3 sklearn_adapter.py train --train train.csv --out model.pkl [--seed 0]
    python3 sklearn_adapter.py serve model.pkl          # the model protocol, for --model 'cmd:...'
    python3 sklearn_adapter.py predict model.pkl --data test.csv --out predictions.csv

Requires scikit-learn (Debian: python3-sklearn). See docs/model-protocol.md.
"""
import argparse
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blindspot_adapter  # noqa: E402

NAME = "tfidf-logreg"


def train(args):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = blindspot_adapter.read_csv(args.train, args.text_column, args.label_column)
    pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
                             LogisticRegression(C=4.0, max_iter=1000, random_state=args.seed))
    pipeline.fit(texts, labels)
    model = {"pipeline": pipeline, "labels": [str(label) for label in pipeline.classes_],
             "version": f"trained on {os.path.basename(args.train)} ({len(texts)} rows), seed {args.seed}"}
    blindspot_adapter.write_atomically(args.out, lambda f: pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"trained on {len(texts)} texts, labels {model['labels']}: {args.out}", file=sys.stderr)


def load(path):
    with open(path, "rb") as f:
        return pickle.load(f)


def serve(args):
    model = load(args.model)
    return blindspot_adapter.serve(model["pipeline"].predict_proba, model["labels"], NAME,
                                   model_version=model["version"],
                                   description="a TF-IDF + logistic regression classifier (scikit-learn)")


def predict(args):
    model = load(args.model)
    texts = blindspot_adapter.read_csv(args.data, args.text_column)
    blindspot_adapter.write_predictions(args.out, model["labels"], model["pipeline"].predict_proba(texts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("train", help="train on a CSV file and save the model")
    p.add_argument("--train", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.set_defaults(run=train)
    p = commands.add_parser("serve", help="answer blindspot on stdin/stdout (docs/model-protocol.md)")
    p.add_argument("model")
    p.set_defaults(run=serve)
    p = commands.add_parser("predict", help="write a predictions file (id, one column per label)")
    p.add_argument("model")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--text-column", default="text")
    p.set_defaults(run=predict)
    args = parser.parse_args()
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
