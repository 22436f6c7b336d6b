"""Stream configs derive their pipelines from their joint config's."""
import copy
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config

from aclnet_mm.datasets.stream_pipelines import (stream_pipelines, stream_step,
                                                 with_stream)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

NORM = dict(type='PreNormalize3D')
ROT = dict(type='RandomRot', theta=0.2)
FLIP = dict(type='SpatialFlip', layout='nturgb+d', p=0.5)
DROP = dict(type='PartDrop', p=0.2)
JOINT = dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j'])
SAMPLE = dict(type='UniformSampleFrames', clip_len=8)
PACK = dict(type='PackActionInputs')


def test_stream_step_keeps_mmaction_where_it_can():
    assert stream_step(JOINT, ['bm']) == dict(
        type='GenSkeFeat', dataset='nturgb+d', feats=['bm'])
    assert stream_step(JOINT, ['k']) == dict(
        type='GenSkeFeatACL', layout='nturgb+d', feats=['k'])
    acl = dict(type='GenSkeFeatACL', layout='coco_new', feats=['j'])
    assert stream_step(acl, ['km']) == dict(
        type='GenSkeFeatACL', layout='coco_new', feats=['km'])
    assert JOINT['feats'] == ['j']  # not modified


def test_with_stream_replaces_the_feature_step_and_the_augmentation():
    train = [NORM, ROT, FLIP, JOINT, SAMPLE, PACK]
    before = copy.deepcopy(train)
    assert with_stream(train, ['b']) == [
        NORM, ROT, FLIP,
        dict(JOINT, feats=['b']), SAMPLE, PACK
    ]
    assert with_stream(train, ['k'], augment=[DROP]) == [
        NORM, ROT, DROP,
        dict(type='GenSkeFeatACL', layout='nturgb+d', feats=['k']), SAMPLE,
        PACK
    ]
    assert with_stream(train, ['jm'], augment=[]) == [
        NORM, ROT, dict(JOINT, feats=['jm']), SAMPLE, PACK
    ]
    assert train == before


@pytest.mark.parametrize('steps', [[NORM, PACK], [JOINT, JOINT]])
def test_with_stream_needs_one_feature_step(steps):
    with pytest.raises(ValueError, match='expected one of'):
        with_stream(steps, ['b'])


def test_stream_pipelines_augments_only_training():
    joint = dict(
        train_pipeline=[NORM, ROT, JOINT, SAMPLE],
        val_pipeline=[NORM, JOINT, SAMPLE],
        test_pipeline=[NORM, JOINT, SAMPLE])
    train, val, test = stream_pipelines(joint, ['b'], augment=[FLIP])
    stream = dict(JOINT, feats=['b'])
    assert train == [NORM, ROT, FLIP, stream, SAMPLE]
    assert val == test == [NORM, stream, SAMPLE]


def _feature_step(pipeline):
    (step, ) = [
        s for s in pipeline if s['type'] in ('GenSkeFeat', 'GenSkeFeatACL')
    ]
    return step


LEAVES = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '*', 'aclnet_*.py'))
    if re.search(r'_(b|k|jm|bm|km)\.py$', p))


def test_every_dataset_has_its_stream_leaves():
    assert len(LEAVES) == 40


@pytest.mark.parametrize('leaf', LEAVES, ids=osp.basename)
def test_leaf_differs_from_its_joint_config_only_by_the_stream(leaf):
    feats = [re.search(r'_(b|k|jm|bm|km)\.py$', leaf).group(1)]
    cfg = Config.fromfile(leaf).to_dict()
    joint_file = re.sub(r'_(b|k|jm|bm|km)\.py$', '_j.py', leaf)
    joint = Config.fromfile(joint_file).to_dict()
    for key in ('train_pipeline', 'val_pipeline', 'test_pipeline'):
        got, want = cfg[key], joint[key]
        assert _feature_step(got)['feats'] == feats
        augments = ('SpatialFlip', 'PartDrop')
        got_rest = [s for s in got if s['type'] not in augments]
        want_rest = [s for s in want if s['type'] not in augments]
        assert len(got_rest) == len(want_rest)
        for a, b in zip(got_rest, want_rest):
            if a is not _feature_step(got):
                assert a == b  # every other step as in the joint config
        if key != 'train_pipeline':
            assert not any(s['type'] in augments for s in got)
        loader = cfg[key.replace('pipeline', 'dataloader')]
        assert loader['dataset']['pipeline'] == got
    for key in ('model', 'optim_wrapper', 'param_scheduler', 'custom_hooks'):
        assert cfg[key] == joint[key]
