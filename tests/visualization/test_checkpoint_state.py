"""Class names for the figures and show_superclasses.py."""
import pytest
from mmengine.config import Config

from aclnet_mm.visualization.checkpoint_state import class_names


def _cfg(**dataset):
    return Config(dict(train_dataloader=dict(dataset=dataset)))


def test_config_metainfo_classes_name_the_classes():
    # MSRC-12 style: CheckedPoseDataset has no METAINFO, the config does
    cfg = _cfg(type='CheckedPoseDataset',
               metainfo=dict(classes=('duck', 'bow', 'kick')))
    assert class_names(cfg, 3) == ['duck', 'bow', 'kick']
    # the demo's dataset class carries its own names
    demo = class_names(_cfg(type='SyntheticActionDataset'), 12)
    assert demo[0] == 'wave right hand'
    # neither, or another class count: indices
    assert class_names(_cfg(type='CheckedPoseDataset'), 2) == ['0', '1']
    assert class_names(cfg, 4) == ['0', '1', '2', '3']


def test_label_map_wins_and_must_match(tmp_path):
    path = tmp_path / 'names.txt'
    path.write_text('a\nb\n')
    cfg = _cfg(type='CheckedPoseDataset', metainfo=dict(classes=('x', 'y')))
    assert class_names(cfg, 2, str(path)) == ['a', 'b']
    with pytest.raises(ValueError, match='has 2 names, the model 3'):
        class_names(cfg, 3, str(path))
