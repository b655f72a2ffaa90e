"""Live 2-D GAN trainer (GAN Lab's model, in PyTorch) following the lecture's Algorithm 1.

One iteration = k discriminator updates then k_g generator updates (GAN Lab's "epoch"), or only
D / only G (step modes). ``phase_step()`` runs the same update one phase at a time (GAN Lab's
slow motion: G derives samples, D classifies, loss, gradients, update). ``snapshot()`` returns
everything the page draws as numpy arrays: samples, D(x) over the plane, the generator manifold,
gradient arrows on fake samples, the estimated optimal D*, loss and quality curves.
Page: pages/gan.py.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import torch

from dlcore.device import get_device, to_numpy
from dlcore.gan.losses import GAN_LOSSES
from dlcore.gan.metrics import Coverage, js_by_grid, mode_coverage, optimal_d_from_samples
from dlcore.gan.nets import OPTIMIZERS, build_pair
from dlcore.gan.noise import NOISES
from dlcore.gan.targets import PLANE_EXTENT, get_target, points_from_flat
from dlcore.nosync import Metrics, sum_dtype
from dlcore.trainer import BaseTrainer, History

N_VIEW = 500  # real and fake dots drawn (GAN Lab draws 450)
N_METRIC = 10_000  # samples per side for JS by grid (a few hundred are not enough, see metrics)
METRIC_EVERY = 100  # iterations between quality evaluations
HEAT_RES = 60  # D(x) heatmap resolution
JS_BINS = 30
N_STARTS = 64  # configs whose start metrics are remembered (_Start): the presets and then some

D_PHASES = (
    "G derives fake samples from a minibatch of noise z",
    "D classifies the real and the fake samples",
    r"D's loss $-[\log D(x) + \log(1 - D(G(z)))]$ is computed",
    "D's gradients are computed by backpropagation",
    "D's parameters are updated (ascending V)",
)
G_PHASES = (
    "G derives fake samples from a fresh minibatch of noise z",
    "D classifies the fake samples only",
    "G's loss is computed",
    "G's gradients flow back through D into G (arrows: where G is pushed)",
    "G's parameters are updated",
)


@dataclass(frozen=True)
class PlaneSnapshot:
    """Everything the 2-D view draws (numpy arrays, plane coordinates)."""

    real: np.ndarray  # (N, 2)
    fake: np.ndarray  # (N, 2)
    axis: np.ndarray  # (R,) grid coordinates of the heatmaps
    heat: np.ndarray  # (R, R) D(x) indexed [iy, ix]
    manifold: np.ndarray  # (L, P, 2) images under G of lines of a noise-space grid
    grads: np.ndarray  # (N, 2) -dL_G/dx at the fake samples (the push on G's outputs)
    dstar: np.ndarray | None  # (B, B) [iy, ix] estimated D* = p_data / (p_data + p_g)
    dstar_axis: np.ndarray | None
    hist: dict[str, np.ndarray]  # step, d_loss, g_loss, g_grad, q_step, js, modes_hit, share_near
    js_floor: float  # JS of two independent real sample sets (the metric's noise floor)
    coverage: Coverage | None
    n_modes: int
    d_at_half: float
    g_at_half: float
    d_real: float  # mean D(x) on the real view samples
    d_fake: float  # mean D(G(z)) on the fake view samples (near 0: D rejects them all)
    value: float | None  # V(D, G) on the view samples (log losses; None for least squares)
    steps: int
    d_updates: int
    g_updates: int


@dataclass(frozen=True)
class PhaseView:
    """One slow-motion phase: which net, which phase, and what it produced."""

    who: str  # "D" or "G"
    index: int  # 1..5
    text: str
    fake: np.ndarray  # (m, 2) this minibatch's fake samples
    real: np.ndarray | None  # (m, 2) this minibatch's real samples (D phases)
    d_real: np.ndarray | None  # D(x) on the real samples, once classified
    d_fake: np.ndarray | None  # D(G(z)) on the fake samples, once classified
    loss: float | None
    grad_norm: float | None
    push: np.ndarray | None  # (m, 2) -dL_G/dx at the fake samples (G phase 4 onwards)
    done: bool  # the iteration finished with this phase


@dataclass
class _IterationLog:
    """What one iteration's updates measured (0-d tensors on the device, never read here): D and
    G losses, the norm of G's gradient."""

    d_loss: list[torch.Tensor] = field(default_factory=list)
    g_loss: list[torch.Tensor] = field(default_factory=list)
    g_grad: list[torch.Tensor] = field(default_factory=list)

    def row(self) -> dict[str, torch.Tensor]:
        """The means over the iteration's updates (a metric no update measured is left out)."""
        return {k: _mean(v) for k, v in vars(self).items() if v}


def _mean(values: list[torch.Tensor]) -> torch.Tensor:
    """The mean of a few 0-d tensors on the device, as np.mean computed it when they were read
    to Python floats each update: in float64 (sum_dtype), in numpy's order (one by one under 8;
    from 8 on, 8 running sums added pairwise, then the rest; k is at most 10)."""
    a = [v.to(sum_dtype(v.device)) for v in values]
    if len(a) < 8:
        total = a[0]
        for v in a[1:]:
            total = total + v
        return total / len(a)
    r, i = a[:8], 8
    while i < len(a) - len(a) % 8:
        r, i = [r[j] + a[i + j] for j in range(8)], i + 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for v in a[i:]:
        total = total + v
    return total / len(a)


@dataclass(frozen=True)
class _Start:
    """What a fresh trainer measures before it trains: the JS noise floor and the quality at
    iteration 0. Seeded, so the same numbers for the same config on the same device; measured
    once per config in the process (~8 ms of a trainer's ~12 ms build: a preset chosen again)."""

    js_floor: float
    row: dict[str, float]  # the quality row at iteration 0 (js, modes_hit, share_near)
    coverage: Coverage | None  # its counts read-only: every fresh trainer of the config shares it


_STARTS: OrderedDict[tuple, _Start] = OrderedDict()  # (config, device) -> _Start, oldest first
_STARTS_LOCK = threading.Lock()  # sessions build trainers in their own script threads


@dataclass
class _PhaseState:
    plan: list[str] = field(default_factory=list)  # "D"/"G" per update in this iteration
    pos: int = 0  # index into plan
    phase: int = 0  # last phase done (0..5) of plan[pos]
    t: dict = field(default_factory=dict)


class PlaneGan(BaseTrainer):
    """A seeded 2-D GAN; ``cfg`` is a dlcore.gan.config.GanConfig."""

    def __init__(self, cfg, device: torch.device | None = None) -> None:
        super().__init__(cfg)
        self.device = device or get_device()
        self.target = get_target(cfg.target, points_from_flat(cfg.points))  # may raise
        self.noise = NOISES[cfg.noise]
        self.gen = torch.Generator().manual_seed(int(cfg.seed))
        self.G, self.D = build_pair(
            self.noise.dim,
            2,
            (cfg.g_layers, cfg.g_neurons, cfg.g_act),
            (cfg.d_layers, cfg.d_neurons, cfg.d_act),
            int(cfg.seed),
            self.device,
        )
        self.opt_g = OPTIMIZERS[cfg.g_opt](self.G.parameters(), cfg.g_lr)
        self.opt_d = OPTIMIZERS[cfg.d_opt](self.D.parameters(), cfg.d_lr)
        self.d_updates = self.g_updates = 0
        self._iteration = _IterationLog()  # the current iteration's measurements
        self._last: dict[str, int | torch.Tensor] = {}  # the latest row of curves, unread
        self.quality = History()
        g = self._fixed_inputs(int(cfg.seed))
        self._phases = _PhaseState()
        self._start(g)

    # ------------------------------------------------------------------ setup
    def _fixed_inputs(self, seed: int) -> torch.Generator:
        """The fixed samples and grids the views and metrics use; returns their generator (the
        JS noise floor's second real set comes next from it)."""
        g = torch.Generator().manual_seed(seed + 7919)
        dev = self.device
        self.real_view = self.target.sample(N_VIEW, g, dev)  # (N, 2)
        self.z_view = self.noise.sample(N_VIEW, g, dev)  # fixed noise: dots move smoothly
        self.real_ref = to_numpy(self.target.sample(N_METRIC, g, dev))
        self.z_metric = self.noise.sample(N_METRIC, g, dev)
        self.z_lines = self.noise.grid_lines().to(dev)  # (L, P, z_dim)
        self.heat_axis = np.linspace(*PLANE_EXTENT, HEAT_RES)
        xx, yy = np.meshgrid(self.heat_axis, self.heat_axis)  # rows = y
        self.heat_pts = torch.tensor(
            np.stack([xx.ravel(), yy.ravel()], 1), dtype=torch.float32, device=dev
        )  # (R*R, 2): the plane grid D is evaluated on every frame
        return g

    def _start(self, g: torch.Generator) -> None:
        """The JS noise floor (JS between two real sample sets: the second drawn from ``g``)
        and the quality at iteration 0, from the process's _STARTS when this config was built
        before on this device."""
        key = (self.cfg, str(self.device))
        with _STARTS_LOCK:
            start = _STARTS.get(key)
        if start is None:
            floor = js_by_grid(
                self.real_ref, to_numpy(self.target.sample(N_METRIC, g, self.device)), JS_BINS
            )
            row, cov = self._quality()
            if cov is not None:
                cov.counts.setflags(write=False)
            start = _Start(floor, row, cov)
            with _STARTS_LOCK:
                _STARTS[key] = start
                while len(_STARTS) > N_STARTS:
                    _STARTS.popitem(last=False)
        self.js_floor, self.last_coverage = start.js_floor, start.coverage
        self.quality.append(self.steps, dict(start.row))

    @property
    def epoch(self) -> float:
        return float(self.steps)

    @property
    def loss(self):
        return GAN_LOSSES[self.cfg.loss]

    def _on_update(self, changed: set[str]) -> None:
        for who, opt_name, lr_name in (("g", "g_opt", "g_lr"), ("d", "d_opt", "d_lr")):
            net = self.G if who == "g" else self.D
            if opt_name in changed:  # new optimizer on the same parameters, progress kept
                setattr(
                    self,
                    f"opt_{who}",
                    OPTIMIZERS[getattr(self.cfg, opt_name)](
                        net.parameters(), getattr(self.cfg, lr_name)
                    ),
                )
            elif lr_name in changed:
                for group in getattr(self, f"opt_{who}").param_groups:
                    group["lr"] = getattr(self.cfg, lr_name)

    # ------------------------------------------------------------------ Algorithm 1
    def _batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        m = int(self.cfg.batch)
        return self.target.sample(m, self.gen, self.device), self.noise.sample(
            m, self.gen, self.device
        )

    def d_step(self) -> torch.Tensor:
        """One discriminator update: ascend V(D, G) on a fresh minibatch. Returns its loss (a 0-d
        tensor on the device: reading it would make a GPU wait)."""
        x, z = self._batch()
        with torch.no_grad():
            fake = self.G(z)  # (m, 2)
        s = self.D(torch.cat([x, fake]))  # one forward pass for both halves, (2m, 1)
        loss = self.loss.d_loss(s[: len(x)], s[len(x) :])
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_d.step()
        self.d_updates += 1
        self._iteration.d_loss.append(loss.detach())
        return loss.detach()

    def g_step(self) -> torch.Tensor:
        """One generator update through the (fixed) discriminator; its loss as ``d_step``'s."""
        _, z = self._batch()
        loss = self.loss.g_loss(self.D(self.G(z)))
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self._iteration.g_grad.append(_grad_norm(self.G))  # vanishes when D saturates
        self.opt_g.step()
        self.g_updates += 1
        self._iteration.g_loss.append(loss.detach())
        return loss.detach()

    def _plan(self) -> list[str]:
        mode = self.cfg.step_mode
        return ["D"] * int(self.cfg.k_d) * (mode != "g") + ["G"] * int(self.cfg.k_g) * (mode != "d")

    def step(self, n: int = 1) -> Metrics:
        """n iterations of Algorithm 1 (each: k D updates, then k_g G updates). Returns the
        latest row of curves, read from the device only when looked at."""
        if self._phases.plan:  # a full step abandons a half-done slow-motion update
            self._phases, self._iteration = _PhaseState(), _IterationLog()
        for _ in range(max(1, int(n))):
            for who in self._plan():
                if who == "D":
                    self.d_step()
                else:
                    self.g_step()
            self._end_iteration()
        return Metrics(self._last)

    def _end_iteration(self) -> None:
        """One row of curves an iteration (the same curves however the iterations were
        chunked into live frames), and the quality every METRIC_EVERY iterations."""
        self.steps += 1
        row, self._iteration = self._iteration.row(), _IterationLog()
        if row:
            self.history.append(self.steps, row)
            self._last = {"step": self.steps, **row}
        if self.steps % METRIC_EVERY == 0:
            self._record_quality()

    # ------------------------------------------------------------------ quality
    @torch.no_grad()
    def sample(self, z: torch.Tensor) -> np.ndarray:
        return to_numpy(self.G(z))

    def coverage(self, fake: np.ndarray) -> Coverage | None:
        if self.target.modes is None:
            return None
        return mode_coverage(fake, self.target.modes, self.target.mode_std)

    def _quality(self) -> tuple[dict[str, float], Coverage | None]:
        """JS by grid and mode coverage of G's samples of the fixed metric noise."""
        fake = self.sample(self.z_metric)
        row = {"js": js_by_grid(self.real_ref, fake, JS_BINS)}
        cov = self.coverage(fake)
        if cov is not None:
            row.update(modes_hit=cov.modes_hit, share_near=cov.share_near)
        return row, cov

    def _record_quality(self) -> None:
        row, self.last_coverage = self._quality()
        self.quality.append(self.steps, row)

    def centre_path(self, iterations: int, every: int = 10) -> np.ndarray:
        """Train ``iterations`` more iterations; after each ``every`` of them, the offset of the
        fake samples' centre (fixed noise) from the data's: (iterations // every, 2)."""
        centre = self.real_ref.mean(0)
        path = []
        for _ in range(max(1, iterations // every)):
            self.step(every)
            path.append(self.sample(self.z_view).mean(0) - centre)
        return np.array(path)

    # ------------------------------------------------------------------ views
    def _heat(self) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            d = self.loss.prob(self.D(self.heat_pts)).clamp(0, 1)
        return self.heat_axis, to_numpy(d).reshape(HEAT_RES, HEAT_RES)

    def _push(self, z: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """Fake samples and -dL_G/dx at each: the direction the G loss pushes every sample."""
        fake = self.G(z).detach().requires_grad_(True)
        loss = self.loss.g_loss(self.D(fake)) * len(fake)  # per-sample gradients, not 1/m
        (grad,) = torch.autograd.grad(loss, fake)
        return to_numpy(fake), -to_numpy(grad)

    @torch.no_grad()
    def _value(self, fake: torch.Tensor) -> tuple[float, float, float | None]:
        """Mean D(x) on the real view samples, mean D(G(z)) on the fakes, and V(D, G) there."""
        s = self.D(torch.cat([self.real_view, fake]))  # (2N, 1) scores
        s_real, s_fake = s[: len(self.real_view)], s[len(self.real_view) :]
        prob = self.loss.prob
        value = -self.loss.d_loss(s_real, s_fake).item() if self.loss.log else None  # loss = -V
        return prob(s_real).mean().item(), prob(s_fake).mean().item(), value

    def _dstar(self) -> tuple[np.ndarray, np.ndarray]:
        bins = 40
        d = optimal_d_from_samples(self.real_ref, self.sample(self.z_metric), bins)  # [ix, iy]
        edges = np.linspace(*PLANE_EXTENT, bins + 1)
        return 0.5 * (edges[1:] + edges[:-1]), d.T

    def snapshot(self, with_dstar: bool | None = None) -> PlaneSnapshot:
        """The views; D* (10k samples, two histograms) only when asked or cfg.show_dstar."""
        cfg = self.cfg
        with_dstar = cfg.show_dstar if with_dstar is None else with_dstar
        axis, heat = self._heat()
        fake, grads = self._push(self.z_view)
        with torch.no_grad():
            lines = self.G(self.z_lines)  # (L, P, 2)
        dstar_axis, dstar = self._dstar() if with_dstar else (None, None)
        d_real, d_fake, value = self._value(torch.as_tensor(fake, device=self.device))
        hist = {k: self.history.array(k) for k in ("step", "d_loss", "g_loss", "g_grad")}
        hist.update(
            q_step=self.quality.array("step"),
            js=self.quality.array("js"),
            modes_hit=self.quality.array("modes_hit"),
            share_near=self.quality.array("share_near"),
        )
        return PlaneSnapshot(
            real=to_numpy(self.real_view),
            fake=fake,
            axis=axis,
            heat=heat,
            manifold=to_numpy(lines),
            grads=grads,
            dstar=dstar,
            dstar_axis=dstar_axis,
            hist=hist,
            js_floor=self.js_floor,
            coverage=self.last_coverage,
            n_modes=0 if self.target.modes is None else len(self.target.modes),
            d_at_half=self.loss.d_at_half,
            g_at_half=self.loss.g_at_half,
            d_real=d_real,
            d_fake=d_fake,
            value=value,
            steps=self.steps,
            d_updates=self.d_updates,
            g_updates=self.g_updates,
        )

    # ------------------------------------------------------------------ slow motion
    def phase_step(self) -> PhaseView:
        """Advance one phase of the current update (5 phases per D or G update)."""
        st = self._phases
        if not st.plan:
            st.plan, st.pos, st.phase, st.t = self._plan(), 0, 0, {}
        who = st.plan[st.pos]
        st.phase += 1
        (self._d_phase if who == "D" else self._g_phase)(st.phase, st.t)
        view = self._phase_view(who, st.phase, st.t)
        if st.phase == 5:
            st.pos, st.phase, st.t = st.pos + 1, 0, {}
            if st.pos == len(st.plan):
                self._end_iteration()
                self._phases = _PhaseState()
                return PhaseView(**{**view.__dict__, "done": True})
        return view

    def _d_phase(self, k: int, t: dict) -> None:
        if k == 1:
            t["x"], z = self._batch()
            with torch.no_grad():
                t["fake"] = self.G(z)
        elif k == 2:
            t["s_real"], t["s_fake"] = self.D(t["x"]), self.D(t["fake"])
        elif k == 3:
            t["loss"] = self.loss.d_loss(t["s_real"], t["s_fake"])
        elif k == 4:
            self.opt_d.zero_grad(set_to_none=True)
            t["loss"].backward()
            t["grad_norm"] = _grad_norm(self.D)
        else:
            self.opt_d.step()
            self.d_updates += 1
            self._iteration.d_loss.append(t["loss"].detach())

    def _g_phase(self, k: int, t: dict) -> None:
        if k == 1:
            _, z = self._batch()
            t["fake"] = self.G(z)
            t["fake"].retain_grad()
        elif k == 2:
            t["s_fake"] = self.D(t["fake"])
        elif k == 3:
            t["loss"] = self.loss.g_loss(t["s_fake"])
        elif k == 4:
            self.opt_g.zero_grad(set_to_none=True)
            t["loss"].backward()
            t["grad_norm"] = _grad_norm(self.G)
            t["push"] = -to_numpy(t["fake"].grad) * len(t["fake"])
        else:
            self.opt_g.step()
            self.g_updates += 1
            self._iteration.g_loss.append(t["loss"].detach())
            self._iteration.g_grad.append(t["grad_norm"])

    def _phase_view(self, who: str, k: int, t: dict) -> PhaseView:
        prob = self.loss.prob
        d_real = to_numpy(prob(t["s_real"])) if "s_real" in t else None
        return PhaseView(
            who=who,
            index=k,
            text=(D_PHASES if who == "D" else G_PHASES)[k - 1],
            fake=to_numpy(t["fake"]),
            real=to_numpy(t["x"]) if "x" in t else None,
            d_real=None if d_real is None else d_real.ravel(),
            d_fake=to_numpy(prob(t["s_fake"])).ravel() if "s_fake" in t else None,
            loss=t["loss"].item() if "loss" in t else None,
            grad_norm=float(t["grad_norm"]) if "grad_norm" in t else None,
            push=t.get("push"),
            done=False,
        )


def _grad_norm(net: torch.nn.Module) -> torch.Tensor:
    """The norm of the net's gradient, a 0-d tensor on its device."""
    sq = [p.grad.pow(2).sum() for p in net.parameters() if p.grad is not None]
    if not sq:
        return torch.zeros((), device=next(net.parameters()).device)
    return torch.stack(sq).sum().sqrt()
