"""Every lesson preset is a valid, shareable config that builds a trainer."""

import pytest
import torch

from dlcore.config import parse_config, to_query
from dlcore.gan.config import GanConfig
from dlcore.gan.plane import PlaneGan
from dlcore.gan.presets import PRESETS


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_round_trips_through_the_url_and_builds(name):
    cfg = PRESETS[name].config()
    parsed = parse_config(GanConfig, to_query(cfg))
    assert parsed.config == cfg and not parsed.notices
    assert PRESETS[name].explain and PRESETS[name].label
    PlaneGan(cfg, torch.device("cpu")).step(1)
