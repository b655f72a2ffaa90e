"""Make the shipped checkpoints of the attention page (seeded, reproducible).

    python -m dlcore.pretrain attention            # all five date models, then the pointer net
    python -m dlcore.pretrain attention dates additive dot
    python -m dlcore.pretrain attention pointer
    python -m dlcore.pretrain attention lengths    # accuracy by input length of the shipped models

Each date model file assets/attention/dates_<score>.pt holds: spec, final weights, training
snapshots (float16) for the page's scrubber, the loss curve, and the held-out exact match.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from dlcore.attention import dates
from dlcore.attention.seq2seq import (
    ASSETS,
    MODELS,
    accuracy_by_length,
    checkpoint_path,
    exact_match,
    load_model,
    model_from_state,
    test_pairs,
)
from dlcore.attention.trainer import DateTrainCfg, DateTrainer
from dlcore.device import set_threads
from dlcore.pretrain import report

SNAPSHOT_STEPS = (0, 100, 300, 1000)
LENGTH_EDGES = [0, 10, 13, 18, 24, 30, dates.MAX_SRC + 1]


def train_dates(
    score: str, max_steps: int, target: float, seed: int, batch: int = 128, lr: float = 3e-3
) -> dict:
    cfg = DateTrainCfg(score=score, lr=lr, batch=batch, seed=seed)
    tr = DateTrainer(cfg)
    val = dates.sample_dates(1000, np.random.default_rng(seed + 999), split="train")
    snaps, test_acc, saved_at = {}, float("nan"), -1
    t0 = time.time()
    while tr.steps < max_steps:
        if tr.steps in SNAPSHOT_STEPS:
            snaps[str(tr.steps)] = {
                k: v.detach().cpu().half() for k, v in tr.model.state_dict().items()
            }
        tr.step(10 if tr.steps < 100 else 50)
        if tr.steps == max_steps // 2:
            tr.update(DateTrainCfg(score=score, lr=lr / 3, batch=batch, seed=seed))
        if tr.steps % 250 == 0 and tr.steps >= 1000:
            acc = exact_match(tr.model, val).mean()
            report(
                f"{score} step {tr.steps} loss {tr.history.last()['loss']:.4f} val {acc:.4f} "
                f"({time.time() - t0:.0f}s)",
                flush=True,
            )
            test_acc, saved_at = save_dates(tr, snaps, seed, batch, lr), tr.steps  # usable any time
            if acc >= target:
                break
    if saved_at != tr.steps:
        test_acc = save_dates(tr, snaps, seed, batch, lr)
    report(f"{score}: test exact match {test_acc:.4f} after {tr.steps} steps", flush=True)
    return {"score": score, "steps": tr.steps, "test_exact_match": test_acc}


def save_dates(tr: DateTrainer, snaps: dict, seed: int, batch: int, lr: float) -> float:
    """Evaluate the float16 weights on the held-out dates and write the checkpoint."""
    state = {
        k: v.detach().cpu().half() for k, v in tr.model.state_dict().items()
    }  # shipped as fp16
    shipped = model_from_state(tr.model.spec, state, torch.device("cpu"))
    pairs = test_pairs()
    by_len = accuracy_by_length(shipped, pairs, LENGTH_EDGES)
    test_acc = float(exact_match(shipped, pairs).mean())
    torch.save(
        {
            "spec": {
                "score": tr.model.spec.score,
                **{k: getattr(tr.model.spec, k) for k in ("emb", "hidden", "attn")},
            },
            "state": state,
            "snapshots": snaps,
            "loss_steps": torch.tensor(tr.history.array("step")),
            "loss": torch.tensor(tr.history.array("loss")),
            "steps": tr.steps,
            "seed": seed,
            "batch": batch,
            "lr": lr,
            "test_exact_match": test_acc,
            "length_edges": torch.tensor(LENGTH_EDGES),
            "accuracy_by_length": torch.tensor(by_len),
        },
        checkpoint_path(tr.model.spec.score),
    )
    return test_acc


def report_lengths() -> None:
    """Accuracy by input length of the shipped date models (assets/attention/length_eval.json)."""
    from dlcore.attention import lengths

    models = {s: load_model(s) for s in MODELS if checkpoint_path(s).exists()}
    t0 = time.time()
    rep = lengths.evaluate({s: m.cpu() for s, m in models.items()})
    lengths.save(rep)
    report(f"lengths: {lengths.PATH.name} ({time.time() - t0:.0f}s)", flush=True)
    report(lengths.summary(rep), flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dlcore.pretrain attention")
    p.add_argument("what", nargs="?", default="all", choices=["all", "dates", "pointer", "lengths"])
    p.add_argument("scores", nargs="*", default=MODELS)
    p.add_argument("--max-steps", type=int, default=4000)
    p.add_argument("--target", type=float, default=0.996)
    p.add_argument("--batch", type=int, default=128)  # the shipped checkpoints used 128
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    set_threads(args.threads)
    ASSETS.mkdir(parents=True, exist_ok=True)
    if args.what in ("all", "dates"):
        for score in args.scores:
            report(
                json.dumps(
                    train_dates(score, args.max_steps, args.target, args.seed, args.batch, args.lr)
                ),
                flush=True,
            )
    if args.what in ("all", "lengths"):
        report_lengths()
    if args.what in ("all", "pointer"):
        from dlcore.attention.pointer import pretrain_pointer

        report(json.dumps(pretrain_pointer(seed=args.seed)), flush=True)
    return 0
