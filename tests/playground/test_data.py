"""Generators match TF Playground's definitions; splits and user data are validated."""

import numpy as np
import pytest

from dlcore.playground import data as D


def test_circle_matches_definition():
    p = D.make_dataset("circle", 0, seed=3)
    r = np.hypot(p.x[:, 0], p.x[:, 1])
    assert len(p.y) == 500 and p.n_classes == 2
    assert np.all(r[:250] <= 2.5) and np.all((r[250:] >= 3.5) & (r[250:] <= 5.0))
    assert np.array_equal(p.y, np.where(r < 2.5, 1.0, -1.0))  # noise 0: label by radius


def test_circle_noise_flips_labels_near_the_edge():
    p = D.make_dataset("circle", 50, seed=3)
    r = np.hypot(p.x[:, 0], p.x[:, 1])
    assert np.any(p.y != np.where(r < 2.5, 1.0, -1.0))


def test_xor_padding_and_label():
    p = D.make_dataset("xor", 0, seed=1)
    assert np.all(np.abs(p.x) >= 0.3) and np.all(np.abs(p.x) <= 5.3)
    assert np.array_equal(p.y, np.where(p.x[:, 0] * p.x[:, 1] >= 0, 1.0, -1.0))


def test_gauss_centres_and_variance():
    p = D.make_dataset("gauss", 0, seed=0)
    pos, neg = p.x[p.y > 0], p.x[p.y < 0]
    assert np.allclose(pos.mean(0), [2, 2], atol=0.15) and np.allclose(
        neg.mean(0), [-2, -2], atol=0.15
    )
    assert np.allclose(pos.var(0), 0.5, atol=0.12)  # variance 0.5 at noise 0
    wide = D.make_dataset("gauss", 50, seed=0)
    assert np.allclose(wide.x[wide.y > 0].var(0), 4.0, atol=0.9)  # 4 at noise 0.5


def test_spiral_formula_at_zero_noise():
    p = D.make_dataset("spiral", 0, seed=0)
    m = 250
    i = np.arange(m)
    r, t = i / m * 5, 1.75 * i / m * 2 * np.pi
    assert np.allclose(p.x[:m], np.c_[r * np.sin(t), r * np.cos(t)])
    assert np.allclose(p.x[m:], np.c_[r * np.sin(t + np.pi), r * np.cos(t + np.pi)])
    assert np.all(p.y[:m] == 1) and np.all(p.y[m:] == -1)


def test_spiral3_and_moons():
    p = D.make_dataset("spiral3", 0, seed=0)
    assert p.n_classes == 3 and set(np.unique(p.y)) == {0.0, 1.0, 2.0}
    assert np.all(np.hypot(p.x[:, 0], p.x[:, 1]) <= 5 + 1e-9)
    m = D.make_dataset("moons", 0, seed=0)
    assert m.n_classes == 2 and np.abs(m.x).max() < 6


def test_regression_labels():
    p = D.make_dataset("reg_plane", 0, seed=0)
    assert len(p.y) == 1200 and p.n_classes == 0
    assert np.allclose(p.y, (p.x[:, 0] + p.x[:, 1]) / 10)
    peaks = D.multi_gauss_label(np.array([-4.0, 0.0, 4.0]), np.array([2.5, 2.5, -2.5]))
    assert np.allclose(peaks, [1, -1, -1])
    assert D.multi_gauss_label(np.array([-4.0]), np.array([0.0]))[0] == 0  # 2.5 away: clamped


def test_split_ratio_and_seed():
    p = D.make_dataset("circle", 0, seed=0)
    s = D.split(p, 50, seed=0)
    assert len(s.train.y) == 250 and len(s.test.y) == 250
    assert len(D.split(p, 10, seed=0).train.y) == 50
    assert np.array_equal(D.split(p, 50, seed=0).train.x, s.train.x)
    assert not np.array_equal(D.split(p, 50, seed=1).train.x, s.train.x)


def test_parse_csv_good_file_with_header_and_01_labels():
    raw = b"x1,x2,label\n1,2,0\n-1,-2,1\n0.5,0.5,1\n"
    p = D.parse_csv(raw)
    assert p.n_classes == 2 and list(p.y) == [-1.0, 1.0, 1.0]
    assert np.allclose(p.x, [[1, 2], [-1, -2], [0.5, 0.5]])


def test_parse_csv_scales_far_points_and_reads_three_classes():
    p = D.parse_csv(b"100,0,0\n0,50,1\n-20,3,2\n")
    assert p.n_classes == 3 and np.abs(p.x).max() <= 6
    assert D.parse_csv(b"0,0,0.1\n1,1,0.5\n2,2,3.5\n3,3,-2\n").n_classes == 0


@pytest.mark.parametrize(
    "raw, msg",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"1,2\n3,4\n", "3 columns"),
        (b"1,abc,1\n2,2,0\n", "not a number"),
        (b"1,2,1\n3,4,1\n", "same label"),
        (b"1,nan,1\n2,2,0\n", "not finite"),
        ("1,2,1\n".encode("utf-16"), "binary"),
        (b"\xff\xfe\xfa,1,1\n", "UTF-8"),
        (b"x1,x2,label\n", "no data"),
    ],
)
def test_parse_csv_rejects_bad_files(raw, msg):
    with pytest.raises(D.DataError, match=msg):
        D.parse_csv(raw)


def test_parse_csv_size_caps():
    with pytest.raises(D.DataError, match="larger"):
        D.parse_csv(b"1,1,1\n" * 200_000)
    with pytest.raises(D.DataError, match="Too many rows"):
        D.parse_csv(b"1,1,1\n" * 6000)


def test_add_and_erase_points():
    p = D.add_point(None, 1.0, 1.0, 1)
    p = D.add_point(p, -1.0, -1.0, 0)
    assert p.n_classes == 2 and list(p.y) == [1.0, -1.0]
    p3 = D.add_point(p, 3.0, 0.0, 2)
    assert p3.n_classes == 3 and list(p3.y) == [1.0, 0.0, 2.0]
    assert len(D.erase_near(p3, 1.1, 1.0).y) == 2
    assert D.to_csv(p).splitlines()[0] == "x1,x2,label"
    assert D.parse_csv(D.to_csv(p).encode()).n_classes == 2


def test_own_points_are_training_points_unless_marked_test():
    """A student's own points (clicked or uploaded) train the model; only the ones the student
    marks as test points are held out (issue 24 item 6: clicks split at random vanished)."""
    p = D.add_point(None, 1.0, 1.0, 1)
    p = D.add_point(p, -1.0, -1.0, 0)
    p = D.add_point(p, 2.0, -2.0, 1, test=True)
    assert p.test.tolist() == [False, False, True]
    s = D.own_split(p)
    assert s.train.x.tolist() == [[1.0, 1.0], [-1.0, -1.0]] and s.test.x.tolist() == [[2.0, -2.0]]
    only_train = D.own_split(D.add_point(D.add_point(None, 0, 0, 1), 1, 1, 0))
    assert len(only_train.train.y) == 2 and len(only_train.test.y) == 0  # no test points
    three = D.add_point(p, 0.0, 3.0, 2)  # a third class keeps the flags
    assert three.n_classes == 3 and three.test.tolist() == [False, False, True, False]
    erased = D.erase_near(three, 2.0, -2.0)
    assert erased.test.tolist() == [False, False, False] and len(erased.y) == 3


def test_csv_split_column_round_trips():
    p = D.add_point(D.add_point(D.add_point(None, 1, 1, 1), -1, -1, 0), 2, 2, 0, test=True)
    text = D.to_csv(p)
    assert text.splitlines()[0] == "x1,x2,label,split" and text.splitlines()[3].endswith(",test")
    back = D.parse_csv(text.encode())
    assert back.test.tolist() == [False, False, True] and back.y.tolist() == p.y.tolist()
    plain = D.parse_csv(b"1,1,1\n2,2,0\n")  # no split column: every point trains
    assert plain.test.tolist() == [False, False]
    with pytest.raises(D.DataError, match="split"):
        D.parse_csv(b"1,1,1,train\n2,2,0,maybe\n")
