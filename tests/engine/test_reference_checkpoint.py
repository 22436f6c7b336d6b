"""The authors' (PYSKL / mmcv-1.x) checkpoints convert to our models."""
import builtins
import copy
import hashlib
import math
import os
import pickle

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from reference_fixture import (ROOT, load_manifest, mmcv1_meta, random_state,
                               reference_spec_of, save_reference)
from tiny_setup import TINY_MODEL

from aclnet_mm.datasets.converters.writer import OutputError
from aclnet_mm.engine import safe_torch_load
from aclnet_mm.engine.reference_checkpoint import (ReferenceCheckpointError,
                                                   build_model,
                                                   convert_checkpoint,
                                                   save_checkpoint_atomic)
from aclnet_mm.engine.safe_loading import TRUST_ENV

RUNNING = ('running_mean', 'running_var', 'num_batches_tracked')


def _config(rel):
    return os.path.join(ROOT, 'configs', rel)


@pytest.fixture(autouse=True)
def _safe(monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)


@pytest.mark.parametrize(
    'joints, params, backbone',
    [
        (25, 4049308, 3705696),  # spec section 4: NTU-60 train total, backbone
        (20, 4046978, 3687666),  # K400 (add_coeff counts 25 per block)
    ])
def test_manifests_match_the_reference_parameter_counts(
        joints, params, backbone):
    _, spec = load_manifest(joints)
    learnable = {
        k: math.prod(e['shape'])
        for k, e in spec.items() if not k.endswith(RUNNING)
    }
    assert sum(learnable.values()) == params
    assert sum(n for k, n in learnable.items()
               if k.startswith('backbone.')) == backbone
    assert spec['backbone.gcn.0.gcn.A']['shape'] == [8, joints, joints]
    assert {e['shape'][0]
            for k, e in spec.items() if k.endswith('add_coeff')} == {25}


@pytest.mark.parametrize('joints', [25, 20])
def test_manifest_shaped_source_converts_and_loads_strictly(tmp_path, joints):
    config, spec = load_manifest(joints)
    source = random_state(spec)
    src = save_reference(source, tmp_path / 'best.pth')
    dst = tmp_path / 'converted.pth'
    conversion = convert_checkpoint(src, str(dst), config)

    ckpt = safe_torch_load(str(dst))
    model = build_model(config)
    model.load_state_dict(ckpt['state_dict'], strict=True)
    out = ckpt['state_dict']
    for key, value in source.items():
        if key.endswith('add_coeff'):
            assert torch.equal(out[key], value[:joints]), key
        elif key.startswith('backbone.'):
            assert torch.equal(out[key], value), key
    for ours, theirs in [('fc', 'fc_cls'),
                         ('loss_inter.proj', 'inter_loss.cl_fc'),
                         ('loss_intra.proj', 'intra_loss.cl_fc')]:
        for leaf in ('weight', 'bias'):
            assert torch.equal(out[f'cls_head.{ours}.{leaf}'],
                               source[f'cls_head.{theirs}.{leaf}'])
    fresh = build_model(config).state_dict()
    loss_state = [
        k for k in fresh
        if k.startswith('cls_head.loss_') and not k.split('.')[-2] == 'proj'
    ]
    assert len(loss_state) == 10
    for key in loss_state:  # untouched by the source
        assert torch.equal(out[key], fresh[key]), key
    assert not out['cls_head.loss_inter.active']

    assert len(conversion.mapped) == len(spec) == 836
    assert [k for k, _, _ in conversion.not_in_source] == loss_state
    dropped = [k for k, _, _ in conversion.dropped]
    assert dropped == ([] if joints == 25 else [
        f'backbone.gcn.{i}.tcn.add_coeff[20:25]' for i in range(10)
    ])
    summary = '\n'.join(conversion.summary())
    assert 'model tensors: 846 = 836 mapped + 10 not in the source' in \
        summary
    meta = ckpt['meta']
    assert meta['converted_from'] == 'best.pth'
    with open(src, 'rb') as f:
        assert meta['sha256'] == hashlib.sha256(f.read()).hexdigest()
    assert meta['converter'].startswith('aclnet_mm ')
    assert meta['source_meta'] == dict(
        epoch=148,
        iter=14800,
        mmcv_version='1.5.0',
        time='Wed Jul 17 21:24:59 2024',
        config_name='j.py',
        aclnet_version='0.1.0+0fab868')


@pytest.mark.parametrize('joints, config, first', [
    (25, 'ntu120/aclnet_ntu120-xsub_j.py',
     'cls_head.fc_cls.weight: source [60, 384], model cls_head.fc.weight '
     '[120, 384]'),
    (25, 'k400/aclnet_k400_j.py',
     'backbone.data_bn.weight: source [75], model [60]'),
    (20, 'ntu60/aclnet_ntu60-xview_b.py',
     'backbone.gcn.0.gcn.A: source [8, 20, 20], model [8, 25, 25]'),
    (20, 'finegym/aclnet_finegym_km.py',
     'cls_head.fc_cls.weight: source [400, 384], model cls_head.fc.weight '
     '[99, 384]'),
    (25, 'mmaction_gcn/stgcnpp_acl_ntu60-xsub-joint-3d.py',
     'backbone.gcn.0.gcn.A: source [8, 25, 25], model [3, 25, 25]'),
])
def test_source_of_another_model_is_one_error_and_writes_nothing(
        tmp_path, joints, config, first):
    _, spec = load_manifest(joints)
    src = save_reference(random_state(spec), tmp_path / 'src.pth')
    dst = tmp_path / 'out' / 'converted.pth'
    with pytest.raises(ReferenceCheckpointError) as info:
        convert_checkpoint(src, str(dst), _config(config))
    message = str(info.value)
    assert first in message
    assert message.startswith(f'{src} does not fit the model of ')
    assert 'Nothing was written.' in message
    assert '\n' not in message
    assert sorted(os.listdir(tmp_path)) == ['src.pth']  # no dst, no temp


def _tiny_config(tmp_path):
    from mmengine.config import Config
    path = tmp_path / 'tiny.py'
    Config(dict(default_scope='mmaction',
                model=copy.deepcopy(TINY_MODEL))).dump(str(path))
    return str(path)


def _tiny_source(tmp_path, name='src.pth', meta=None, seed=0):
    init_default_scope('mmaction')
    spec = reference_spec_of(MODELS.build(copy.deepcopy(TINY_MODEL)))
    return save_reference(random_state(spec, seed), tmp_path / name, meta)


def test_existing_output_is_refused_without_overwrite(tmp_path):
    config, src = _tiny_config(tmp_path), _tiny_source(tmp_path)
    dst = tmp_path / 'converted.pth'
    dst.write_bytes(b'keep me')
    with pytest.raises(OutputError, match='exists; pass --overwrite'):
        convert_checkpoint(src, str(dst), config)
    assert dst.read_bytes() == b'keep me'
    convert_checkpoint(src, str(dst), config, overwrite=True)
    assert 'state_dict' in safe_torch_load(str(dst))
    with pytest.raises(OutputError, match='is the source'):
        convert_checkpoint(src, src, config, overwrite=True)
    assert 'optimizer' in safe_torch_load(src)  # the source is untouched


def test_output_is_checked_before_any_work(tmp_path):
    dst = tmp_path / 'converted.pth'
    dst.write_bytes(b'keep me')
    with pytest.raises(OutputError, match='exists; pass --overwrite'):
        convert_checkpoint(
            str(tmp_path / 'missing.pth'), str(dst),
            str(tmp_path / 'missing.py'))
    with pytest.raises(OutputError, match='exists; pass --overwrite'):
        save_checkpoint_atomic(dict(state_dict={}), str(dst))
    assert dst.read_bytes() == b'keep me'
    assert sorted(os.listdir(tmp_path)) == ['converted.pth']


def test_written_with_the_umask_and_reproducible(tmp_path):
    config, src = _tiny_config(tmp_path), _tiny_source(tmp_path)
    old = os.umask(0o027)
    try:
        convert_checkpoint(src, str(tmp_path / 'a.pth'), config)
    finally:
        os.umask(old)
    assert os.stat(tmp_path / 'a.pth').st_mode & 0o777 == 0o640
    torch.manual_seed(123)  # another global RNG state: same output
    convert_checkpoint(src, str(tmp_path / 'b.pth'), config)
    a = safe_torch_load(str(tmp_path / 'a.pth'))['state_dict']
    b = safe_torch_load(str(tmp_path / 'b.pth'))['state_dict']
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


class _Payload:
    """Unpickling this would run code (write a marker file)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.exec, (f'open({self.marker!r}, "w").close()', ))


def test_source_needing_an_unsafe_global_is_refused(tmp_path):
    config = _tiny_config(tmp_path)
    marker = tmp_path / 'ran'
    meta = dict(mmcv1_meta(), extra=_Payload(marker))
    src = _tiny_source(tmp_path, meta=meta)
    dst = tmp_path / 'converted.pth'
    with pytest.raises(pickle.UnpicklingError) as info:
        convert_checkpoint(src, str(dst), config)
    assert src in str(info.value)
    assert 'exec' in str(info.value)
    assert not marker.exists() and not dst.exists()


def test_our_own_checkpoint_and_non_checkpoints_are_named(tmp_path):
    config = _tiny_config(tmp_path)
    init_default_scope('mmaction')
    ours = tmp_path / 'ours.pth'
    torch.save(dict(state_dict=build_model(config).state_dict()), ours)
    with pytest.raises(
            ReferenceCheckpointError,
            match='aclnet_mm \\(MMEngine\\) checkpoint already'):
        convert_checkpoint(str(ours), str(tmp_path / 'o.pth'), config)
    torch.save(dict(meta={}, state_dict={}), tmp_path / 'empty.pth')
    with pytest.raises(
            ReferenceCheckpointError, match='holds no state dict of tensors'):
        convert_checkpoint(
            str(tmp_path / 'empty.pth'), str(tmp_path / 'o.pth'), config)
    assert not (tmp_path / 'o.pth').exists()


def test_data_parallel_prefix_is_stripped(tmp_path):
    config = _tiny_config(tmp_path)
    init_default_scope('mmaction')
    spec = reference_spec_of(MODELS.build(copy.deepcopy(TINY_MODEL)))
    state = {f'module.{k}': v for k, v in random_state(spec).items()}
    src = save_reference(state, tmp_path / 'dp.pth')
    convert_checkpoint(src, str(tmp_path / 'o.pth'), config)
    out = safe_torch_load(str(tmp_path / 'o.pth'))['state_dict']
    assert torch.equal(out['cls_head.fc.weight'],
                       state['module.cls_head.fc_cls.weight'])
