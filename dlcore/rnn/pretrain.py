"""Train the shipped character-level language models (vanilla RNN, LSTM, GRU).

    python -m dlcore.pretrain rnn [--steps 1500] [--hidden 64] [--kinds rnn,lstm,gru]

Writes assets/rnn/corpus.txt (the seeded text of dlcore/rnn/corpus.py) and
assets/rnn/charlm_<kind>.pt. Seeded; trains with teacher forcing (lecture: "Recurrent Language
Model: Teacher Forcing"), Adam and norm clipping, through torch's fused loop over the very same
parameters as our explicit cells. Used by pages/rnn.py ("Type a sentence").
"""

from __future__ import annotations

import argparse
import math
import time

import torch
from torch.nn import functional as F

from dlcore.pretrain import report
from dlcore.rnn.charlm import ASSETS, LM_KINDS, CharLM, checkpoint_path, encode, save_charlm
from dlcore.rnn.clipping import clip_norm
from dlcore.rnn.corpus import generate


def _windows(data: torch.Tensor, b: int, t: int, gen: torch.Generator) -> torch.Tensor:
    start = torch.randint(0, len(data) - t - 1, (b,), generator=gen)
    return torch.stack([data[s : s + t + 1] for s in start.tolist()])  # (B, T + 1)


@torch.no_grad()
def evaluate(model: CharLM, data: torch.Tensor, t: int = 200) -> float:
    """Mean next-character cross-entropy (nats) over consecutive windows of held-out text."""
    n = (len(data) - 1) // t
    x = data[: n * t].view(n, t)
    y = data[1 : n * t + 1].view(n, t)
    logits = model.fast_logits(x)
    return float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)))


def train_one(kind: str, train: torch.Tensor, val: torch.Tensor, args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    model = CharLM(kind, args.hidden, args.emb)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.time()
    for step in range(1, args.steps + 1):
        w = _windows(train, args.batch, args.seq, gen)
        logits = model.fast_logits(w[:, :-1])  # teacher forcing: the true previous characters
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), w[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        clip_norm(model.parameters(), args.clip)
        opt.step()
        if step % 250 == 0 or step == args.steps:
            report(
                f"{kind} step {step} train {float(loss.detach()):.3f} ({time.time() - t0:.0f} s)",
                flush=True,
            )
    val_loss = evaluate(model, val)
    meta = {
        "val_loss": val_loss,
        "bits_per_char": val_loss / math.log(2),
        "steps": args.steps,
        "seed": args.seed,
    }
    save_charlm(model, checkpoint_path(kind), meta)
    report(f"{kind}: val {val_loss:.3f} nats/char -> {checkpoint_path(kind)}", flush=True)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlcore.pretrain rnn")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--emb", type=int, default=16)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", default=",".join(LM_KINDS))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    text = generate(seed=args.seed)
    ASSETS.mkdir(parents=True, exist_ok=True)
    (ASSETS / "corpus.txt").write_text(text, encoding="utf-8")
    data = torch.as_tensor(encode(text, max_chars=len(text)).ids)
    split = int(0.9 * len(data))
    for kind in args.kinds.split(","):
        train_one(kind, data[:split], data[split:], args)
    return 0
