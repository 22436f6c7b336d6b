"""The safe unpickler: payloads refused, every real data format unchanged."""
import datetime
import glob
import os.path as osp
import pickle
import re
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch
from kinetics_fixture import make_k400_fixture
from mmaction.structures import ActionDataSample
from mmengine.evaluator import DumpResults, Evaluator
from pickle_payloads import (REFUSED, _Global, _Reduce, assert_refused,
                             dump_payload, dumps, payload, run_unsafely)
from tiny_setup import make_pose_pickle

from aclnet_mm.utils import safe_pickle
from aclnet_mm.utils.safe_pickle import (PickleFileError, UnsafePickleError,
                                         load_pickle)

TESTS = osp.dirname(osp.dirname(osp.abspath(__file__)))
GOLDEN = osp.join(TESTS, 'datasets', 'converters', 'golden')


def _annotation_around(obj):
    """A real-looking annotation file with ``obj`` in one annotation."""
    return dict(
        split=dict(train=['a']),
        annotations=[
            dict(
                frame_dir='a',
                label=0,
                total_frames=2,
                keypoint=np.zeros((1, 2, 25, 3), np.float32),
                note=obj)
        ])


def _same(actual, expected, where='data'):
    """Deep equality, arrays and tensors by type, dtype, shape and value."""
    assert type(actual) is type(expected), (where, type(actual))
    if isinstance(expected, torch.Tensor):
        assert actual.dtype == expected.dtype, where
        assert torch.equal(actual, expected), where
    elif isinstance(expected, np.ndarray):
        assert (actual.dtype, actual.shape) == (expected.dtype,
                                                expected.shape), where
        np.testing.assert_array_equal(actual, expected, err_msg=where)
    elif isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for key in expected:
            _same(actual[key], expected[key], f'{where}[{key!r}]')
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            _same(a, e, f'{where}[{i}]')
    else:
        assert actual == expected, (where, actual, expected)


def _typed_storage():
    """What a tensor pickles its data as (a TypedStorage)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)  # TypedStorage
        return torch.zeros(2).storage()


def _loads_as_pickle_does(path, what='annotation file'):
    with open(path, 'rb') as f:
        expected = pickle.load(f)
    _same(load_pickle(str(path), what), expected)
    return expected


# ----------------------------------------------------------------------------
# payloads


@pytest.mark.parametrize('kind', sorted(REFUSED))
@pytest.mark.parametrize('hidden', [False, True], ids=['bare', 'in-anno'])
def test_payload_is_refused_naming_file_and_global(tmp_path, kind, hidden):
    marker = tmp_path / 'pwned'
    path = dump_payload(tmp_path / 'x.pkl', kind, marker,
                        _annotation_around if hidden else None)
    with pytest.raises(UnsafePickleError) as err:
        load_pickle(path)
    assert_refused(err.value, path, kind, marker)
    assert isinstance(err.value, ValueError)  # one-line reporters catch it
    assert str(err.value).startswith(f'refused to load annotation file '
                                     f'{path}: it needs the global')
    # the payload is real: pickle.load runs it
    run_unsafely(path)
    assert marker.exists()


def test_payload_inside_tensor_storage_bytes_is_refused(tmp_path):
    """A plain-pickled tensor's storage is a torch.save blob, which
    ``torch.storage._load_from_bytes`` reads with weights_only=False."""
    marker = tmp_path / 'pwned'
    blob = dumps(payload('os.system', marker), protocol=2)
    path = tmp_path / 'dump.pkl'
    path.write_bytes(
        dumps([
            dict(
                pred_score=_Reduce(
                    _Global('torch.storage', '_load_from_bytes'), (blob, )))
        ]))
    with pytest.raises(UnsafePickleError) as err:
        load_pickle(str(path), 'result dump')
    assert_refused(err.value, path, 'os.system', marker)
    with pytest.raises(RuntimeError, match='magic number'):
        run_unsafely(path)  # runs os.system, then finds no storage
    assert marker.exists()


@pytest.mark.parametrize('obj, name', [
    (_Reduce(_Global('_codecs', 'encode'),
             ('grfg', 'rot13')), "'_codecs.encode' with codec 'rot13'"),
    (_Reduce(_Global('_codecs', 'encode'),
             (b'x', 'latin1')), "'_codecs.encode' with codec 'latin1'"),
    (_Reduce(
        _Global('torch._utils', '_rebuild_tensor_v2'),
        (_typed_storage(), 0, (2, ),
         (1, ), False, OrderedDict(hook=print))), "'__builtin__.print'"),
    (_Reduce(
        _Global('torch._utils', '_rebuild_tensor_v2'),
        ([1, 2], 0, (2, ), (1, ), False, OrderedDict())),
     "'torch._utils._rebuild_tensor_v2' with hooks, attributes or no "
     'storage'),
    (_Reduce(_Global('torch.storage', '_load_from_bytes'),
             ('text', )), "'torch.storage._load_from_bytes' of a str"),
    (_Reduce(_Global('numpy', 'load'), ('x.npy', )), "'numpy.load'"),
    (_Reduce(_Global('torch', 'load'), ('x.pth', )), "'torch.load'"),
])
def test_allowed_globals_are_only_used_as_data_formats_use_them(
        tmp_path, obj, name):
    path = tmp_path / 'x.pkl'
    path.write_bytes(dumps(obj, protocol=2))
    with pytest.raises(UnsafePickleError, match=re.escape(name)):
        load_pickle(str(path))


# ----------------------------------------------------------------------------
# every real format loads unchanged


@pytest.mark.parametrize(
    'name',
    sorted(osp.basename(p) for p in glob.glob(osp.join(GOLDEN, '*.pkl'))))
def test_converter_outputs_load_unchanged(name):
    data = _loads_as_pickle_does(osp.join(GOLDEN, name))
    assert data['annotations']


@pytest.mark.parametrize('protocol', [2, 3, 4, 5])
def test_numpy_content_loads_unchanged_with_every_protocol(tmp_path, protocol):
    rng = np.random.default_rng(0)
    obj = dict(
        split=dict(train=['a'], val=[]),
        annotations=[
            dict(
                frame_dir='a',
                label=np.int64(3),
                total_frames=4,
                img_shape=(480, 640),
                keypoint=rng.normal(size=(2, 4, 17, 2)).astype(np.float16),
                keypoint_score=rng.uniform(size=(2, 4, 17)).astype(np.float32),
                frame_inds=np.arange(4, dtype=np.int16),
                box_score=np.float32(0.5),
                strided=np.arange(12.).reshape(3, 4).T,  # not contiguous
                mask=np.array([True, False]),
                valid={
                    .5: 4,
                    .9: 2
                },
                meta=dict(nested=[
                    np.float64(1.5),
                    np.uint8(7), None, b'x', 1.5, True, 'é'
                ]))
        ])
    path = tmp_path / 'p.pkl'
    with open(path, 'wb') as f:
        pickle.dump(obj, f, protocol=protocol)
    _same(load_pickle(str(path)), obj)


def test_numpy1_names_load(tmp_path):
    """Files written under numpy 1 name ``numpy.core.multiarray``."""
    obj = dict(kp=np.ones((2, 3), np.float32), s=np.float32(2))
    data = pickle.dumps(obj, protocol=2)
    assert b'numpy._core.multiarray' in data
    path = tmp_path / 'old.pkl'
    path.write_bytes(data.replace(b'numpy._core.', b'numpy.core.'))
    _same(load_pickle(str(path)), obj)


def test_fixture_annotation_files_load_unchanged(tmp_path):
    _loads_as_pickle_does(make_pose_pickle(tmp_path / 'tiny.pkl'))


def test_pyskl_k400_annotations_and_kpfiles_load_unchanged(tmp_path):
    ann_file, _ = make_k400_fixture(str(tmp_path))
    _loads_as_pickle_does(ann_file)
    kpfiles = glob.glob(osp.join(tmp_path, 'kpfiles', '*.pkl'))
    assert len(kpfiles) == 2
    for path in kpfiles:
        _loads_as_pickle_does(path, 'kpfile')


def test_opengait_sequence_pickles_load_unchanged(tmp_path):
    rng = np.random.default_rng(0)
    for i, obj in enumerate([
            rng.uniform(0, 300, size=(5, 17, 3)),  # float64, as OpenGait
            rng.uniform(0, 300, size=(5, 17, 3)).astype(np.float32),
        [rng.uniform(size=(17, 3)) for _ in range(3)],  # per frame
    ]):
        path = tmp_path / f'{i}.pkl'
        with open(path, 'wb') as f:
            pickle.dump(obj, f)
        _loads_as_pickle_does(path, 'OpenGait pickle')


def test_mmaction2_dump_loads_unchanged(tmp_path):
    """``mim test --dump`` results hold tensors (DumpResults pickles
    ``ActionDataSample.to_dict()`` with protocol 2)."""
    path = str(tmp_path / 'dump.pkl')
    evaluator = Evaluator([DumpResults(out_file_path=path)])
    samples = []
    for i in range(3):
        sample = ActionDataSample().set_gt_label(i)
        sample.set_pred_score(torch.tensor([.2, .3, .5]) + i)
        sample.set_pred_label(2)
        sample.set_metainfo(dict(frame_dir=f's{i}', img_shape=(64, 48)))
        samples.append(sample)
    evaluator.process(data_samples=samples)
    evaluator.evaluate(3)
    results = _loads_as_pickle_does(path, 'result dump')
    assert isinstance(results[0]['pred_score'], torch.Tensor)


# ----------------------------------------------------------------------------
# unreadable files


def test_unreadable_files_give_one_clear_error(tmp_path):
    with pytest.raises(
            FileNotFoundError,
            match=f'annotation file {tmp_path}/no.pkl does not '
            'exist'):
        load_pickle(str(tmp_path / 'no.pkl'))
    with pytest.raises(
            PickleFileError, match='is a folder, not a pickle file'):
        load_pickle(str(tmp_path))
    (tmp_path / 'empty.pkl').write_bytes(b'')
    with pytest.raises(PickleFileError, match=r'is empty \(0 bytes\)'):
        load_pickle(str(tmp_path / 'empty.pkl'))
    (tmp_path / 'text.pkl').write_text('frame_dir,label\n')
    with pytest.raises(PickleFileError, match='cannot be read as a pickle'):
        load_pickle(str(tmp_path / 'text.pkl'))


def test_every_truncation_is_a_pickle_file_error(tmp_path):
    data = (tmp_path / 'a.pkl')
    make_pose_pickle(data, per_class=1, frames=2, num_joints=3)
    whole = data.read_bytes()
    cut = tmp_path / 'cut.pkl'
    for size in range(1, len(whole)):
        cut.write_bytes(whole[:size])
        with pytest.raises(PickleFileError) as err:
            load_pickle(str(cut), 'kpfile')
        text = str(err.value)
        assert text.startswith(f'kpfile {cut} ') and '\n' not in text


# ----------------------------------------------------------------------------
# opt-out


def _benign_non_data(path):
    """A pickle of a harmless object the safe loader does not build."""
    with open(path, 'wb') as f:
        pickle.dump(datetime.date(2020, 1, 2), f)
    return str(path)


def test_trust_env_and_argument_load_with_pickle(tmp_path, monkeypatch):
    path = _benign_non_data(tmp_path / 'd.pkl')
    logged = []
    monkeypatch.setattr(safe_pickle, 'print_log',
                        lambda msg, **kw: logged.append(msg))
    monkeypatch.delenv('ACLNET_TRUST_PICKLES', raising=False)
    with pytest.raises(UnsafePickleError, match="'datetime.date'"):
        load_pickle(path)
    monkeypatch.setenv('ACLNET_TRUST_PICKLES', '0')
    with pytest.raises(UnsafePickleError):
        load_pickle(path)
    assert not logged
    assert load_pickle(path, trust=True) == datetime.date(2020, 1, 2)
    monkeypatch.setenv('ACLNET_TRUST_PICKLES', '1')
    assert load_pickle(path, 'kpfile') == datetime.date(2020, 1, 2)
    assert logged == [
        f'trust=True: loading annotation file {path} with pickle.load (the '
        'file can run code)',
        f'ACLNET_TRUST_PICKLES is set: loading kpfile {path} with '
        'pickle.load (the file can run code)'
    ]
    # unreadable files are still reported the same way
    (tmp_path / 'e.pkl').write_bytes(b'')
    with pytest.raises(PickleFileError, match='is empty'):
        load_pickle(str(tmp_path / 'e.pkl'))
