"""Every dataset x split x stream config builds, trains a step and tests.

The paper-size model is shrunk (narrow, 2 blocks) and the annotation files
are replaced by tiny generated fixtures; pipelines, dataset types, splits,
heads and losses are the configs' own.
"""
import glob
import os
import pickle
import re
from unittest.mock import MagicMock

import numpy as np
import pytest
import torch
from kinetics_fixture import make_k400_fixture
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper

from aclnet_mm.layouts import get_layout

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ACTION_DATASETS = ('ntu60', 'ntu120', 'pku_mmd', 'k400', 'finegym')
CONFIGS = sorted(
    path for folder in ACTION_DATASETS
    for path in glob.glob(os.path.join(ROOT, 'configs', folder, '*.py')))
NAME = re.compile(r'aclnet_(?P<data>[a-z0-9]+)(-(?P<split>x[a-z]+))?_'
                  r'(?P<stream>j|b|k|jm|bm|km)\.py$')

# spec 5.1, written out independently of the configs
AUG = {
    ('ntu60', 'xsub'): dict(b='SF', k='SF', bm='SF', km='SF'),
    ('ntu60', 'xview'): dict(k='PD', km='PD'),
    ('ntu120', 'xsub'): dict(j='SF', b='SF', k='PD', jm='SF', bm='SF',
                             km='PD'),
    ('ntu120', 'xset'): dict(b='SF', k='SF', bm='SF', km='SF'),
    ('pku', 'xsub'): dict.fromkeys(['j', 'b', 'k', 'jm', 'bm', 'km'], 'PD'),
    ('pku', 'xview'): dict.fromkeys(['j', 'b', 'k', 'jm', 'bm', 'km'], 'PD'),
}
CLASSES = dict(ntu60=60, ntu120=120, pku=51, k400=400, finegym=99)
MEMORY = dict(ntu60=512, ntu120=1024, pku=512, k400=2048, finegym=1024)


def _parse(path):
    match = NAME.search(os.path.basename(path))
    assert match, f'unexpected config name {path}'
    return match['data'], match['split'], match['stream']


def _feature_step(pipeline):
    steps = [t for t in pipeline if t['type'] in ('GenSkeFeat',
                                                  'GenSkeFeatACL')]
    assert len(steps) == 1
    return steps[0]


def test_every_dataset_split_and_stream_has_a_config():
    found = {_parse(p) for p in CONFIGS}
    expected = {(d, s, m) for (d, s) in AUG
                for m in ('j', 'b', 'k', 'jm', 'bm', 'km')}
    expected |= {(d, None, m) for d in ('k400', 'finegym')
                 for m in ('j', 'b', 'k', 'jm', 'bm', 'km')}
    assert found == expected


@pytest.mark.parametrize('path', CONFIGS, ids=os.path.basename)
def test_config_matches_its_name_and_the_recipe(path):
    data, split, stream = _parse(path)
    cfg = Config.fromfile(path)
    head = cfg.model.cls_head
    assert head.num_classes == CLASSES[data]
    assert head.loss_intra.memory_size == MEMORY[data]
    layout = 'coco_new' if data in ('k400', 'finegym') else 'nturgb+d'
    assert cfg.model.backbone.graph_cfg.layout == head.layout == layout
    for loader in ('train', 'val', 'test'):
        dataset = cfg[f'{loader}_dataloader'].dataset
        if split:
            assert dataset.split.startswith(split)
        step = _feature_step(dataset.pipeline)
        assert list(step['feats']) == [stream]
        clips = [t for t in dataset.pipeline
                 if t['type'] == 'UniformSampleFrames'][0]
        assert clips['clip_len'] == (50 if data == 'pku' else 100)
        assert clips.get('num_clips', 1) == dict(train=1, val=1,
                                                 test=10)[loader]
    train = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
    aug = AUG.get((data, split), {}).get(stream)
    assert ('SpatialFlip' in train) == (aug == 'SF')
    assert ('PartDrop' in train) == (aug == 'PD')
    lr = cfg.optim_wrapper.optimizer.lr
    assert (cfg.train_dataloader.batch_size, lr) == (
        (64, 0.1) if data == 'k400' else (16, 0.025))


def _fixture_3d(path):
    rng = np.random.default_rng(0)
    annos, names = [], []
    for i, frames in enumerate((20, 130)):
        annos.append(
            dict(frame_dir=f's{i}', label=i, total_frames=frames,
                 keypoint=rng.normal(size=(2, frames, 25, 3)).astype(
                     np.float32)))
        names.append(f's{i}')
    splits = {f'{s}_{p}': names for s in ('xsub', 'xview', 'xset')
              for p in ('train', 'val')}
    with open(path, 'wb') as f:
        pickle.dump(dict(split=splits, annotations=annos), f)


def _fixture_2d(path):
    rng = np.random.default_rng(1)
    annos = []
    for i, frames in enumerate((30, 120)):
        annos.append(
            dict(frame_dir=f's{i}', label=i, total_frames=frames,
                 img_shape=(480, 640), original_shape=(480, 640),
                 keypoint=(rng.random((2, frames, 17, 2)) * 400).astype(
                     np.float32),
                 keypoint_score=rng.random((2, frames, 17)).astype(
                     np.float32)))
    with open(path, 'wb') as f:
        pickle.dump(dict(split=dict(train=['s0', 's1'], val=['s0', 's1']),
                         annotations=annos), f)


def _shrink(cfg):
    cfg.model.backbone.update(base_channels=8, num_stages=2,
                              inflate_stages=(2, ), down_stages=(2, ))
    cfg.model.cls_head.in_channels = 16
    cfg.model.cls_head.loss_inter.embed_channels = 16
    cfg.model.cls_head.loss_intra.update(embed_channels=16, memory_size=4)


@pytest.mark.parametrize('path', CONFIGS, ids=os.path.basename)
def test_config_trains_and_tests_a_step(path, tmp_path):
    data, _, _ = _parse(path)
    cfg = Config.fromfile(path)
    _shrink(cfg)
    ann = tmp_path / 'fixture.pkl'
    extra = {}
    if data == 'k400':
        ann, _ = make_k400_fixture(str(tmp_path))  # splits train / val
        extra = dict(kpfile_root=str(tmp_path))
    elif data == 'finegym':
        _fixture_2d(ann)
    else:
        _fixture_3d(ann)
    model = MODELS.build(cfg.model)
    train = DATASETS.build(
        dict(cfg.train_dataloader.dataset, ann_file=str(ann), **extra))
    batch = pseudo_collate([train[0], train[1]])
    V = 20 if data in ('k400', 'finegym') else 25
    assert batch['inputs'][0].shape[-2:] == (V, 3)
    optim = MagicMock()
    log_vars = model.train_step(batch, optim)
    assert {'loss_cls', 'loss_inter', 'loss_intra'} <= set(log_vars)
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())
    test = DATASETS.build(
        dict(cfg.test_dataloader.dataset, ann_file=str(ann), **extra))
    model.eval()
    with torch.no_grad():
        out = model.test_step(pseudo_collate([test[0]]))
    assert test[0]['inputs'].shape[0] == 10
    assert out[0].pred_score.shape == (CLASSES[data], )


OTHER_CONFIGS = sorted(
    path for path in glob.glob(
        os.path.join(ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in path and path not in CONFIGS
    and 'mmaction_gcn' not in path  # tested below
    and not os.path.basename(path).startswith('_'))  # shared fragments


@pytest.mark.parametrize('path', OTHER_CONFIGS, ids=os.path.basename)
def test_other_configs_parse_and_build(path):
    cfg = Config.fromfile(path)
    assert 'aclnet_mm' in cfg.custom_imports['imports']
    model = MODELS.build(cfg.model)
    head = cfg.model.cls_head
    assert model.cls_head.fc.out_features == head.num_classes
    assert cfg.model.backbone.graph_cfg.layout == head.layout
    for loader in ('train', 'val', 'test'):
        assert cfg[f'{loader}_dataloader'].dataset.pipeline


MMACTION_GCN_CONFIGS = sorted(
    glob.glob(os.path.join(ROOT, 'configs', 'mmaction_gcn', '*.py')))


def _fixture_2d_xsub(path):
    _fixture_2d(path)
    with open(path, 'rb') as f:
        data = pickle.load(f)
    names = data['split']['train']
    data['split'] = dict(xsub_train=names, xsub_val=names)
    with open(path, 'wb') as f:
        pickle.dump(data, f)


def test_every_mmaction_gcn_has_an_acl_config():
    names = {os.path.basename(p) for p in MMACTION_GCN_CONFIGS}
    assert names == {
        f'{m}_acl_ntu60-xsub-joint-{d}.py'
        for m in ('stgcn', 'stgcnpp', '2s-agcn') for d in ('2d', '3d')
    }


def _unscoped(value):
    """Drop the ``_scope_`` keys that ``mmaction::`` inheritance adds."""
    if isinstance(value, dict):
        return {k: _unscoped(v) for k, v in value.items() if k != '_scope_'}
    if isinstance(value, (list, tuple)):
        return [_unscoped(v) for v in value]
    return value


@pytest.mark.parametrize('path', MMACTION_GCN_CONFIGS, ids=os.path.basename)
def test_mmaction_gcn_config_differs_only_by_head_and_hook(path):
    cfg = Config.fromfile(path)
    with open(path) as f:
        base_name = re.search(r"_base_ = 'mmaction::([^']+)'", f.read())[1]
    import mmaction
    base = Config.fromfile(os.path.join(os.path.dirname(mmaction.__file__),
                                        '.mim', 'configs', base_name))
    assert _unscoped(cfg.model.backbone) == _unscoped(base.model.backbone)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'optim_wrapper', 'param_scheduler', 'train_cfg'):
        assert _unscoped(cfg[key]) == _unscoped(base[key]), key
    head = _unscoped(cfg.model.cls_head)
    assert head.pop('type') == 'ACLHead' and head.pop('affinity') == \
        'features'
    assert head.pop('layout') == base.model.backbone.graph_cfg.layout
    assert head == {k: v for k, v in _unscoped(base.model.cls_head).items()
                    if k != 'type'}
    assert [h['type'] for h in cfg.custom_hooks] == ['SuperclassRebuildHook']


@pytest.mark.parametrize('path', MMACTION_GCN_CONFIGS, ids=os.path.basename)
def test_mmaction_gcn_config_trains_and_tests_a_step(path, tmp_path):
    cfg = Config.fromfile(path)
    cfg.model.backbone.update(base_channels=8, num_stages=2,
                              inflate_stages=[], down_stages=[])
    cfg.model.cls_head.in_channels = 8
    ann = tmp_path / 'fixture.pkl'
    two_d = path.endswith('-2d.py')
    (_fixture_2d_xsub if two_d else _fixture_3d)(ann)
    model = MODELS.build(cfg.model)
    inner = cfg.train_dataloader.dataset.dataset  # RepeatDataset(PoseDataset)
    train = DATASETS.build(dict(inner, ann_file=str(ann)))
    batch = pseudo_collate([train[0], train[1]])
    assert batch['inputs'][0].shape[-2:] == ((17, 3) if two_d else (25, 3))
    model.train()
    head = model.cls_head
    head.set_counting(True)
    # every sample predicted as the last class (the labels are 0 and 1): two
    # mistakes whatever the random init, so the count below is exact
    with torch.no_grad():
        head.fc.bias[-1] = 1e3
    log_vars = model.train_step(batch, MagicMock())
    assert {'loss_cls', 'loss_inter', 'loss_intra'} <= set(log_vars)
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())
    assert head.loss_inter.confusion.sum() == 2  # the head counted both
    # the losses switch on and reach the backbone through the features
    head.rebuild_superclasses()
    head.loss_intra.filled.fill_(head.loss_intra.memory_size)
    losses = model(torch.stack(batch['inputs']).float(),
                   batch['data_samples'], mode='loss')
    assert float(losses['loss_inter']) > 0 and float(losses['loss_intra']) > 0
    model.zero_grad()
    (losses['loss_inter'] + losses['loss_intra']).backward()
    first = next(model.backbone.parameters())
    assert first.grad is not None and first.grad.abs().sum() > 0
    test = DATASETS.build(dict(cfg.test_dataloader.dataset, ann_file=str(ann)))
    model.eval()
    with torch.no_grad():
        out = model.test_step(pseudo_collate([test[0]]))
    assert out[0].pred_score.shape == (60, )


# The small real-data studies (configs/kinect_actions, configs/msrc12):
# narrow models, any layout; the fixture takes its joints, classes and
# split names from each config.
STUDY_CONFIGS = sorted(
    path for folder in ('kinect_actions', 'msrc12')
    for path in glob.glob(os.path.join(ROOT, 'configs', folder, '*.py'))
    if not os.path.basename(path).startswith('_'))


def _fixture_for(cfg, path):
    V = get_layout(cfg.model.backbone.graph_cfg.layout).num_node
    K = cfg.model.cls_head.num_classes
    rng = np.random.default_rng(2)
    annos = [
        dict(frame_dir=f's{i}', label=K - 1 - i, total_frames=frames,
             keypoint=rng.normal(size=(1, frames, V, 3)).astype(np.float32))
        for i, frames in enumerate((40, 70))
    ]
    names = [a['frame_dir'] for a in annos]
    splits = {cfg[f'{loader}_dataloader'].dataset.split: names
              for loader in ('train', 'val', 'test')}
    with open(path, 'wb') as f:
        pickle.dump(dict(split=splits, annotations=annos), f)
    return V, K


@pytest.mark.parametrize('variant', ('acl', 'ce'))
@pytest.mark.parametrize('path', STUDY_CONFIGS, ids=os.path.basename)
def test_study_config_trains_and_tests_a_step(path, variant, tmp_path):
    cfg = Config.fromfile(path)
    if variant == 'ce':  # the baseline, as the configs and seed_study.py say
        cfg.merge_from_dict({'model.cls_head.loss_inter': None,
                             'model.cls_head.loss_intra': None})
    ann = tmp_path / 'fixture.pkl'
    V, K = _fixture_for(cfg, ann)
    model = MODELS.build(cfg.model)
    train = DATASETS.build(dict(cfg.train_dataloader.dataset,
                                ann_file=str(ann)))
    batch = pseudo_collate([train[0], train[1]])
    assert batch['inputs'][0].shape == (1, 1, 32, V, 3)  # clips, M, T
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    log_vars = model.train_step(batch, optim)
    losses = {'loss_cls', 'loss_inter', 'loss_intra'} & set(log_vars)
    assert losses == ({'loss_cls'} if variant == 'ce' else
                      {'loss_cls', 'loss_inter', 'loss_intra'})
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())
    assert any(not torch.equal(a, b)
               for a, b in zip(before, model.parameters()))  # it stepped
    test = DATASETS.build(dict(cfg.test_dataloader.dataset,
                               ann_file=str(ann)))
    model.eval()
    with torch.no_grad():
        out = model.test_step(pseudo_collate([test[0]]))
    assert test[0]['inputs'].shape == (5, 1, 32, V, 3)
    assert out[0].pred_score.shape == (K, )
    classes = (cfg.test_dataloader.dataset.get('metainfo') or {}).get(
        'classes')
    assert classes is None or len(classes) == K
