"""A Hugging Face transformers sequence-classification model for blindspot (a fine-tuned BERT,
RoBERTa, DistilBERT, ...): the tokenizer and model of a local folder or a Hub id, softmax over the
logits, the labels from the model's config (id2label).

    python3 transformers_adapter.py serve MODEL [--device cpu] [--max-length 512]
    python3 transformers_adapter.py predict MODEL --data test.csv --out predictions.csv

Untested against the real library: blindspot's development machine has neither the transformers
package nor model weights. The adapter is written to transformers' documented API
(AutoTokenizer, AutoModelForSequenceClassification, config.id2label) and its protocol side is
tested with a stub of that API (tests/model/adapters_test.py). Fine-tuning is left to your own
training script (e.g. transformers' Trainer); blindspot's --train-command can run it.
Requires: pip install transformers torch. See docs/model-protocol.md.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blindspot_adapter  # noqa: E402


def load(model_name, device="cpu", max_length=512):
    """(labels, predict_proba) of a sequence-classification model; predict_proba(texts) gives one
    list of probabilities per text, in the order of labels."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForSequenceClassification.from_pretrained(model_name).to(device).eval()
    labels = [str(model.config.id2label[i]) for i in range(model.config.num_labels)]

    def predict_proba(texts):
        inputs = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length,
                           return_tensors="pt").to(device)
        with torch.no_grad():
            logits = model(**inputs).logits
        return torch.softmax(logits.double(), dim=-1).tolist()

    return labels, predict_proba


def serve(args):
    labels, predict_proba = load(args.model, args.device, args.max_length)
    return blindspot_adapter.serve(predict_proba, labels, os.path.basename(os.path.normpath(args.model)),
                                   model_version=args.revision,
                                   description="a fine-tuned transformer sequence classifier (Hugging Face)")


def predict(args):
    labels, predict_proba = load(args.model, args.device, args.max_length)
    texts = blindspot_adapter.read_csv(args.data, args.text_column)
    probabilities = [p for start in range(0, len(texts), args.batch_size)
                     for p in predict_proba(texts[start:start + args.batch_size])]
    blindspot_adapter.write_predictions(args.out, labels, probabilities)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, help_text in (("serve", serve, "answer blindspot on stdin/stdout (docs/model-protocol.md)"),
                                 ("predict", predict, "write a predictions file (id, one column per label)")):
        p = commands.add_parser(name, help=help_text)
        p.add_argument("model", help="a local model folder or a Hugging Face Hub id")
        p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1, mps")
        p.add_argument("--max-length", type=int, default=512, help="tokens per text (longer ones are truncated)")
        p.add_argument("--revision", help="shown to blindspot as the model's version")
        p.set_defaults(run=run)
        if name == "predict":
            p.add_argument("--data", required=True)
            p.add_argument("--out", required=True)
            p.add_argument("--text-column", default="text")
            p.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
