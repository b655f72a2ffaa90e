"""What the playground page shows, without Streamlit (dlcore/playground/views.py): one Step is
one epoch, clicks edit the points, the +/- layer buttons, which controls a teacher's link and
the switches leave on the page, the early-stopping message, the lecture's XOR presets."""

import dataclasses

import numpy as np
import pytest

from dlcore.config import coerce, field_specs
from dlcore.playground.config import HIDEABLE, PlaygroundConfig, hidden_controls
from dlcore.playground.data import Points
from dlcore.playground.trainer import PlaygroundTrainer
from dlcore.playground.views import (
    CONTROL_GROUP,
    LINEAR_XOR,
    SLIDE_XOR,
    all_points,
    control_shown,
    early_stop_text,
    edit_points,
    epoch_steps,
    load_slide_solution,
    n_points,
    regions_text,
    resized_layers,
    status_parts,
    step_size,
)

CFG = PlaygroundConfig()


def cfg(**kw):
    return dataclasses.replace(CFG, **kw)


@pytest.mark.parametrize(
    "changes, points, steps",
    [
        ({}, 500, 25),  # 250 training points, batch 10
        ({"batch": 0}, 500, 1),  # full batch
        ({"ratio": 70, "batch": 30}, 500, 12),  # ceil(350 / 30)
        ({"dataset": "xor4", "batch": 3}, 4, 2),  # XOR-4 trains on all four points
        ({"dataset": "custom", "batch": 30}, 7, 1),  # batch larger than the data
    ],
)
def test_one_step_button_is_one_epoch(changes, points, steps):
    c = cfg(**changes)
    assert epoch_steps(c, points) == steps
    if c.dataset != "custom":
        assert n_points(c, None) == points
        assert PlaygroundTrainer(c).steps_per_epoch == steps


def test_clicks_add_points_of_the_brush_or_erase():
    pts = edit_points(None, 1.0, 2.0, "blue")
    pts = edit_points(pts, -3.0, 0.5, "orange")
    assert pts.n_classes == 2 and pts.y.tolist() == [1.0, -1.0]
    three = edit_points(pts, 0.0, 0.0, "green")
    assert three.n_classes == 3 and three.y.tolist() == [1.0, 0.0, 2.0]
    erased = edit_points(three, 1.2, 2.1, "eraser")
    assert len(erased.y) == 2 and not np.any((erased.x == [1.0, 2.0]).all(1))
    assert edit_points(None, 0.0, 0.0, "eraser") is None
    regression = Points(np.zeros((3, 2)), np.array([0.1, -0.2, 0.3]), 0)
    fresh = edit_points(regression, 4.0, 4.0, "orange")  # class points start a new set
    assert len(fresh.y) == 1 and fresh.n_classes == 2


def test_all_points_joins_train_and_test_once():
    t = PlaygroundTrainer(CFG)
    pts = all_points(t)
    assert len(pts.y) == 500 and pts.n_classes == 2
    xor4 = PlaygroundTrainer(cfg(dataset="xor4"))
    assert len(all_points(xor4).y) == 4  # its test set is the training set


def test_layer_buttons():
    assert resized_layers([4, 2], 1) == (4, 2, 2)
    assert resized_layers([4, 2], -1) == (4,)
    assert resized_layers([7, 3], 0) == (7, 3)
    assert resized_layers([], -1) == ()
    assert resized_layers([1, 2, 3, 4, 5, 6], 1) == (1, 2, 3, 4, 5, 6)  # at most 6 layers


def test_controls_shown_by_teacher_link_and_switches():
    hidden = hidden_controls("lr,features,schedule,data,bogus")
    assert hidden == {"lr", "features", "schedule", "data"}
    assert not control_shown("lr", CFG, hidden) and control_shown("activation", CFG, hidden)
    assert not control_shown("x1sq", CFG, hidden) and not control_shown("seed", CFG, hidden)
    linear = cfg(schedule="linear", early_stop=True)
    assert not control_shown("lr_end", linear, hidden)  # hidden with its group "schedule"
    assert control_shown("lr_end", linear, set()) and not control_shown("lr_end", CFG, set())
    assert control_shown("patience", linear, set()) and not control_shown("patience", CFG, set())
    assert set(CONTROL_GROUP.values()) <= set(HIDEABLE)
    assert set(CONTROL_GROUP) <= set(field_specs(PlaygroundConfig))


def test_status_and_early_stop_message():
    overfits = {"dataset": "circle", "noise": 50, "ratio": 10, "hidden": (8, 8), "batch": 0}
    t = PlaygroundTrainer(cfg(**overfits, activation="relu", lr=1.0, early_stop=True, patience=10))
    assert early_stop_text(t.snapshot(), 10) is None
    t.run_epochs(400)
    assert t.halted
    text = early_stop_text(t.snapshot(), 10)
    assert f"epoch {t.best_epoch:.0f}" in text and "10 epochs" in text
    labels = [k for k, _ in status_parts(t.snapshot())]
    assert labels == ["Test loss", "Training loss", "accuracy"]
    regression = PlaygroundTrainer(cfg(dataset="reg_plane"))
    assert [k for k, _ in status_parts(regression.snapshot())] == ["Test loss", "Training loss"]


def test_xor_presets_are_valid_settings_and_the_slide_fits_exactly():
    specs = field_specs(PlaygroundConfig)
    for preset in (SLIDE_XOR, LINEAR_XOR):
        for name, value in preset.items():
            assert coerce(value, specs[name]) == value, name
    slide = PlaygroundTrainer(cfg(**SLIDE_XOR))
    assert load_slide_solution(slide)
    assert slide.last["train_loss"] == 0.0 and slide.diverged is None
    assert not load_slide_solution(PlaygroundTrainer(cfg(**LINEAR_XOR)))  # no hidden layer


def test_clicks_on_generated_data_keep_its_split_and_new_points_train():
    """Clicking on a generated set turns it into own points: the points keep their train/test
    split, a click adds a training point unless the student asks for a test point, and Step is
    one epoch over the training points (issue 24 item 6)."""
    t = PlaygroundTrainer(CFG)
    pts = all_points(t)
    assert int(pts.test.sum()) == 250 and not pts.test[:250].any()
    more = edit_points(pts, 1.0, 1.0, "blue")
    held = edit_points(more, 2.0, 2.0, "orange", test=True)
    assert held.test[-2:].tolist() == [False, True]
    own = PlaygroundTrainer(cfg(dataset="custom"), held)
    assert len(own.x_train) == 251 and len(own.data.test.y) == 251
    np.testing.assert_array_equal(own.data.train.x[:250], t.data.train.x)
    for ratio in (10, 50, 90):  # the ratio slider does not split own points
        custom = cfg(dataset="custom", ratio=ratio)
        assert step_size(custom, held) == own.steps_per_epoch == 26
    assert step_size(CFG, None) == t.steps_per_epoch
    near = np.hypot(held.x[:, 0] - 2.0, held.x[:, 1] - 2.0) <= 0.6
    erased = edit_points(held, 2.0, 2.0, "eraser")  # the eraser takes test points too
    assert near[-1] and len(erased.y) == 502 - near.sum()


def test_linear_regions_are_counted_in_words_that_say_what_they_mean():
    """Issue 24 item 8: "1 linear regions" (and the same for a diverged or linear network)."""
    assert regions_text(1, "relu", 2, None).startswith("**1 linear region**:")
    assert "on or off over the whole plane" in regions_text(1, "relu", 2, None)
    assert regions_text(7, "relu", 2, None).startswith("**7 linear regions**")
    diverged = regions_text(1, "relu", 2, "the weights became NaN or infinite")
    assert "diverged" in diverged and "1 linear" not in diverged and "Reset" in diverged
    for linear in (regions_text(1, "linear", 3, None), regions_text(1, "relu", 0, None)):
        assert linear.startswith("**1 linear region**:") and "affine" in linear
    assert "smooth" in regions_text(1, "tanh", 2, None)
