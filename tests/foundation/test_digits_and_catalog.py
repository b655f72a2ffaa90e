import numpy as np

from dlcore.catalog import BY_ID, PAGES
from dlcore.data.digits import load_digits, train_test_split


def test_digits_shape_range_and_labels():
    d = load_digits()
    assert d.images.shape == (1797, 8, 8) and d.labels.shape == (1797,)
    assert d.images.min() == 0.0 and d.images.max() == 1.0
    assert np.bincount(d.labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_split_is_seeded_stratified_and_disjoint():
    a, b = train_test_split(0.2, seed=1), train_test_split(0.2, seed=1)
    assert np.array_equal(a.test.labels, b.test.labels)
    assert len(a.train.labels) + len(a.test.labels) == 1797
    assert abs(len(a.test.labels) - 359) <= 5
    assert set(np.unique(a.test.labels)) == set(range(10))


def test_catalog_pages_exist_with_thumbnails():
    assert len(PAGES) == 9 and len(BY_ID) == 10
    for page in PAGES:
        assert (page.thumb.parent.parent.parent / page.file).exists(), page.file
        assert page.thumb.exists(), page.thumb
