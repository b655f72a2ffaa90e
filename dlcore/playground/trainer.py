"""The playground trainer: TF Playground's ``oneStep`` loop, plus the lecture's extras.

Mini-batch SGD (or momentum / AdaGrad / RMSProp / Adam) on a small MLP over engineered features,
L1/L2 regularization, dropout, the linear learning-rate decay, early stopping on the test split
(best parameters kept: ``halted``) and a divergence guard (NaN/Inf weights or losses stop
training; ``diverged`` says what blew up and the live panel shows it). One epoch = one pass over
the training points, an update every ``batch`` points (0 = full batch); the metrics are recorded
once an epoch, in the trainer's bounded ``History``. Reproduce in a REPL::

    t = PlaygroundTrainer(PlaygroundConfig())
    t.run_epochs(300); t.snapshot().test_loss

Page: pages/playground.py (views in dlcore/ui/views/playground.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlcore.playground.config import PlaygroundConfig, feature_names
from dlcore.playground.data import Points, Split, class_ids, make_dataset, own_split, split
from dlcore.playground.features import featurize
from dlcore.playground.mlp import MLP
from dlcore.playground.optim import OPTIMIZERS, linear_decay
from dlcore.trainer import BaseTrainer, History


def head_for(n_classes: int, output: str) -> str:
    """Regression -> linear output; 3 classes -> softmax/NLL; 2 classes -> the chosen head."""
    if n_classes == 0:
        return "linear"
    return "softmax" if n_classes > 2 else output


def targets(points: Points, head: str) -> np.ndarray:
    """Y for the head: (N, 1) values for tanh/linear outputs, (N, K) one-hot for softmax."""
    if head == "softmax":
        k = max(2, points.n_classes)
        return np.eye(k)[class_ids(points)]
    return points.y[:, None].astype(float)


def accuracy(o: np.ndarray, points: Points, head: str) -> float:
    if points.n_classes == 0 or len(points.y) == 0:
        return math.nan
    pred = o.argmax(1) if head == "softmax" else (o[:, 0] > 0).astype(int)
    return float(np.mean(pred == class_ids(points)))


METRIC_NAMES = {"train_loss": "the training loss", "test_loss": "the test loss"}
# epochs kept in the curves (past that every other one is dropped, so 300 to 600 stay): the
# figures show at most 400 points and the live frame 300, and the live frame reads the curves
# from the history every frame (History.array costs O(rows))
CURVE_POINTS = 600


def divergence(theta: np.ndarray, metrics: dict[str, float]) -> str | None:
    """What became NaN or infinite ("the weights and the training loss became NaN or
    infinite"), or None while every weight and loss is a finite number."""
    bad = [] if np.all(np.isfinite(theta)) else ["the weights"]
    bad += [METRIC_NAMES.get(k, k) for k, v in metrics.items() if not math.isfinite(v)]
    if not bad:
        return None
    what = f"{', '.join(bad[:-1])} and {bad[-1]}" if len(bad) > 1 else bad[0]
    return f"{what} became NaN or infinite"


@dataclass(frozen=True)
class PlaygroundSnapshot:
    """What the page draws after a frame: counters, losses, curves and the parameters."""

    epoch: float
    steps: int
    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float
    lr: float
    diverged: str | None  # what became NaN or infinite (the trainer's ``diverged``)
    stopped: bool  # early stopping ended training
    best_epoch: float  # NaN unless early stopping found a best model
    curve_epoch: np.ndarray  # (E,)
    curve_train: np.ndarray  # (E,)
    curve_test: np.ndarray  # (E,)
    curve_test_acc: np.ndarray  # (E,) NaN for regression
    test_is_train: bool  # no test points: the test loss is the training loss
    weights: tuple[np.ndarray, ...]  # W_l (n_l, n_{l+1})
    biases: tuple[np.ndarray, ...]  # b_l (n_{l+1},)


class PlaygroundTrainer(BaseTrainer):
    """A ``dlcore.trainer.BaseTrainer``: ``step(n)`` = n mini-batch updates; the metrics go to
    ``history`` once an epoch (keys epoch, train_loss, test_loss, train_acc, test_acc)."""

    def __init__(self, cfg: PlaygroundConfig, points: Points | None = None) -> None:
        super().__init__(cfg)
        self.features = feature_names(cfg)
        self.data: Split = self._split(cfg, points)
        self.n_classes = self.data.train.n_classes
        self.head = head_for(self.n_classes, cfg.output)
        self.x_train = featurize(self.data.train.x, self.features)  # (N, F)
        self.x_test = featurize(self.data.test.x, self.features)
        self.y_train = targets(self.data.train, self.head)  # (N, K)
        self.y_test = targets(self.data.test, self.head)
        n_out = self.y_train.shape[1]
        self.rng = np.random.default_rng(cfg.seed + 2)
        sizes = (len(self.features), *cfg.hidden, n_out)
        self.net = MLP(sizes, cfg.activation, self.head, 1.0 - cfg.dropout, self.rng)
        self.opt = OPTIMIZERS[cfg.optimizer](len(self.net.theta))
        self.epochs_done, self._pos = 0, 0
        self._order_x = self._order_y = None
        self.history = History(CURVE_POINTS)
        self._diverged: str | None = None  # set once an evaluation finds NaN/Inf
        self.stopped = False
        self.best_loss, self.best_epoch, self.best_theta = math.inf, math.nan, None
        self.last: dict[str, float] = {}
        self._evaluate()

    @staticmethod
    def _split(cfg: PlaygroundConfig, points: Points | None) -> Split:
        """The student's own points as they marked them; the lecture's four XOR points both
        train and test; a generated set split at random by the ratio slider."""
        if points is not None:
            return own_split(points)
        points = make_dataset(cfg.dataset, cfg.noise, cfg.seed)
        if cfg.dataset == "xor4":
            return Split(points, points)
        return split(points, cfg.ratio, cfg.seed)

    @property
    def test_is_train(self) -> bool:
        """No test points of its own (own points none of which is marked test, or the lecture's
        XOR, tested on its training points): the test metrics are the training set's."""
        return self.data.test is self.data.train or len(self.data.test.y) == 0

    # -- bookkeeping --------------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        n = len(self.x_train)
        return n if self.cfg.batch <= 0 else min(int(self.cfg.batch), n)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.x_train) / self.batch_size)

    @property
    def epoch(self) -> float:
        return self.epochs_done + self._pos / self.steps_per_epoch

    def current_lr(self) -> float:
        if self.cfg.schedule == "linear":
            T = self.cfg.decay_epochs * self.steps_per_epoch
            return linear_decay(self.steps, T, self.cfg.lr, self.cfg.lr_end)
        return self.cfg.lr

    @property
    def diverged(self) -> str | None:
        """What became NaN or infinite at the latest evaluation (training stops), or None."""
        return self._diverged

    @property
    def halted(self) -> bool:
        """Early stopping ended training (the best model is kept)."""
        return self.stopped and self.cfg.early_stop

    # -- training -----------------------------------------------------------------------
    def step(self, n: int = 1) -> dict[str, float]:
        """n mini-batch updates (fewer if training diverges or early stopping ends it); the
        history gets a row per finished epoch (``_evaluate``), not per call."""
        with np.errstate(all="ignore"):
            for _ in range(max(1, int(n))):
                if self._diverged or self.halted:
                    break
                self._one_step()
        return self.last

    def run_epochs(self, k: int) -> dict[str, float]:
        """Train k whole epochs (TF Playground's Step button does k = 1)."""
        target = self.epochs_done + k
        while self.epochs_done < target and not (self._diverged or self.halted):
            self.step(self.steps_per_epoch - self._pos)
        return self.last

    def _one_step(self) -> None:
        if self._pos == 0:  # a new epoch: reshuffle, fix the batch size for the epoch
            order = self.rng.permutation(len(self.x_train))
            self._order_x, self._order_y = self.x_train[order], self.y_train[order]
            self._B, self._spe = self.batch_size, self.steps_per_epoch
        lo = self._pos * self._B
        xb = self._order_x[lo : lo + self._B]  # (B, F)
        yb = self._order_y[lo : lo + self._B]  # (B, K)
        net = self.net
        masks = net.sample_masks(len(xb), self.rng) if net.keep < 1.0 else None
        hs, a = net.forward(xb, masks)
        net.backward(hs, a, yb, masks)
        self._update(self.current_lr() if self.cfg.schedule != "constant" else self.cfg.lr)
        self.steps += 1
        self._pos += 1
        if self._pos >= self._spe:
            self._pos = 0
            self.epochs_done += 1
            self._evaluate()

    def _update(self, lr: float) -> None:
        net, reg = self.net, self.cfg.reg
        if reg == "none" or not self.cfg.reg_rate:
            self.opt.step(net.theta, net.grad, lr)
            return
        net.add_penalty_grad(reg, self.cfg.reg_rate)
        before = net.theta.copy() if reg == "l1" else None
        self.opt.step(net.theta, net.grad, lr)
        if before is not None:  # TF Playground: an L1 step that crosses 0 lands on 0
            net.theta[(before * net.theta < 0) & (net.wmask > 0)] = 0.0

    def _metrics(self) -> dict[str, float]:
        """Losses (and accuracies for classes) of the current weights on both sets; with no
        test points the test figures are the training set's."""
        net = self.net
        with np.errstate(all="ignore"):
            o_tr = net.predict(self.x_train)
            train_loss = net.head.loss(o_tr, self.y_train)
            train_acc = accuracy(o_tr, self.data.train, self.head)
            m = {"train_loss": train_loss, "test_loss": train_loss}
            m |= {"train_acc": train_acc, "test_acc": train_acc}
            if len(self.x_test):
                o_te = net.predict(self.x_test)
                m["test_loss"] = net.head.loss(o_te, self.y_test)
                m["test_acc"] = accuracy(o_te, self.data.test, self.head)
        if self.n_classes == 0:  # regression: no accuracy (and no NaN the live loop would flag)
            del m["train_acc"], m["test_acc"]
        return m

    def _evaluate(self) -> None:
        m = self._metrics()
        self._diverged = self._diverged or divergence(self.net.theta, m)
        self.last = m
        self.history.append(self.steps, {"epoch": self.epochs_done, **m})
        self._early_stopping(m["test_loss"])

    def set_parameter(self, layer: int, row: int | None, col: int, value: float) -> None:
        """Set one weight W_layer[row, col] (``row`` None: the bias b_layer[col]) to exactly
        ``value``, as a click on a link in TF Playground does; training goes on from it. The
        losses shown are those of the edited network (the curves get their next point at the
        end of the epoch); a finite network is no longer diverged."""
        target = self.net.b[layer] if row is None else self.net.W[layer][row]
        target[col] = float(value)
        self.last = self._metrics()
        self._diverged = divergence(self.net.theta, self.last)

    def _early_stopping(self, test_loss: float) -> None:
        if not self.cfg.early_stop or self._diverged:
            return
        if test_loss < self.best_loss:
            self.best_loss, self.best_epoch = test_loss, float(self.epochs_done)
            self.best_theta = self.net.theta.copy()
        elif self.epochs_done - self.best_epoch >= self.cfg.patience:
            self.stopped = True
            self.net.theta[:] = self.best_theta  # keep the best model
            self.last = {**self.last, "test_loss": self.best_loss}

    # -- protocol -----------------------------------------------------------------------
    def _on_update(self, changed: set[str]) -> None:
        """Live fields (learning rate, schedule, regularization, batch size, views) are read from
        ``self.cfg``; a new batch size starts a fresh epoch, new early-stopping settings resume."""
        if "batch" in changed and self._pos:
            self._pos = 0
            self.epochs_done += 1
        if "early_stop" in changed or "patience" in changed:
            self.stopped = False

    def load_weights(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Set every W_l, b_l (e.g. the lecture's XOR solution); shapes must match."""
        for li, (w, b) in enumerate(zip(weights, biases)):
            self.net.W[li][...] = np.asarray(w, dtype=float)
            self.net.b[li][...] = np.asarray(b, dtype=float)
        self._diverged = None
        self._evaluate()

    def snapshot(self) -> PlaygroundSnapshot:
        h, m = self.history, self.last
        return PlaygroundSnapshot(
            epoch=self.epoch,
            steps=self.steps,
            train_loss=m["train_loss"],
            test_loss=m["test_loss"],
            train_acc=m.get("train_acc", math.nan),
            test_acc=m.get("test_acc", math.nan),
            lr=self.current_lr(),
            diverged=self._diverged,
            stopped=self.halted,
            best_epoch=self.best_epoch if self.cfg.early_stop else math.nan,
            curve_epoch=h.array("epoch"),
            curve_train=h.array("train_loss"),
            curve_test=h.array("test_loss"),
            curve_test_acc=h.array("test_acc"),
            test_is_train=self.test_is_train,
            weights=tuple(w.copy() for w in self.net.W),
            biases=tuple(b.copy() for b in self.net.b),
        )
