"""A small PyTorch text classifier for blindspot, trained from scratch: the mean of learned
embeddings of hashed word unigrams and bigrams (fastText's architecture), then a linear layer.

    python3 torch_adapter.py train --train train.csv --out model.pt [--seed 0] [--epochs 3]
    python3 torch_adapter.py serve model.pt             # the model protocol, for --model 'cmd:...'
    python3 torch_adapter.py predict model.pt --data test.csv --out predictions.csv

Requires PyTorch (Debian: python3-torch). One thread and a fixed seed: training is repeatable.
See docs/model-protocol.md.
"""
import argparse
import os
import re
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blindspot_adapter  # noqa: E402

import torch  # noqa: E402

NAME = "hashed-bigram-embeddingbag"
BUCKETS = 1 << 17
DIMENSION = 64
TOKEN = re.compile(r"\w+|[^\w\s]")


def features(text):
    """Bucket ids of the text's lower-cased tokens and token bigrams (crc32: stable across runs)."""
    tokens = TOKEN.findall(text.lower())
    grams = tokens + [a + " " + b for a, b in zip(tokens, tokens[1:])]
    return [zlib.crc32(g.encode("utf-8")) % BUCKETS for g in grams] or [0]


class Model(torch.nn.Module):
    def __init__(self, label_count):
        super().__init__()
        # Sparse gradients: a step updates only the buckets of its batch, not all 8 million weights.
        self.embedding = torch.nn.EmbeddingBag(BUCKETS, DIMENSION, mode="mean", sparse=True)
        self.output = torch.nn.Linear(DIMENSION, label_count)

    def forward(self, ids, offsets):
        return self.output(self.embedding(ids, offsets))


def batch_tensors(texts):
    bags = [features(t) for t in texts]
    offsets = torch.tensor([0] + [len(b) for b in bags[:-1]]).cumsum(0)
    return torch.tensor([i for b in bags for i in b]), offsets


def train(args):
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    texts, labels = blindspot_adapter.read_csv(args.train, args.text_column, args.label_column)
    names = sorted(set(labels))
    targets = torch.tensor([names.index(label) for label in labels])
    model = Model(len(names))
    optimisers = [torch.optim.SparseAdam(model.embedding.parameters(), lr=args.learning_rate),
                  torch.optim.Adam(model.output.parameters(), lr=args.learning_rate)]
    generator = torch.Generator().manual_seed(args.seed)
    for epoch in range(args.epochs):
        total = 0.0
        for batch in torch.randperm(len(texts), generator=generator).split(32):
            ids, offsets = batch_tensors([texts[i] for i in batch])
            loss = torch.nn.functional.cross_entropy(model(ids, offsets), targets[batch])
            for optimiser in optimisers:
                optimiser.zero_grad()
            loss.backward()
            for optimiser in optimisers:
                optimiser.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(texts):.4f}", file=sys.stderr)
    state = {"labels": names, "model": model.state_dict(),
             "version": f"trained on {os.path.basename(args.train)} ({len(texts)} rows), seed {args.seed}"}
    blindspot_adapter.write_atomically(args.out, lambda f: torch.save(state, f))


def load(path):
    torch.set_num_threads(1)
    state = torch.load(path)
    model = Model(len(state["labels"]))
    model.load_state_dict(state["model"])
    model.double().eval()  # float64 probabilities, the same whatever the batch

    def predict_proba(texts):
        with torch.no_grad():
            return torch.softmax(model(*batch_tensors(texts)), dim=1).tolist()

    return state, predict_proba


def serve(args):
    state, predict_proba = load(args.model)
    return blindspot_adapter.serve(predict_proba, state["labels"], NAME, model_version=state["version"],
                                   description="a bag of hashed word unigrams and bigrams with learned embeddings "
                                               "and a linear layer (PyTorch)")


def predict(args):
    state, predict_proba = load(args.model)
    texts = blindspot_adapter.read_csv(args.data, args.text_column)
    probabilities = [p for start in range(0, len(texts), 64) for p in predict_proba(texts[start:start + 64])]
    blindspot_adapter.write_predictions(args.out, state["labels"], probabilities)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("train", help="train on a CSV file and save the model")
    p.add_argument("--train", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--learning-rate", type=float, default=0.01)
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
