import os
import os.path as osp
import pickle

import numpy as np
import pytest
from tool_loader import load_tool

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           convert_reid_npy)
from aclnet_mm.layouts.kinect_v1 import KGBD_TO_KINECT_V1
from .cli_helpers import run_refusing_then_overwriting

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TOOL = osp.join(REPO, 'tools', 'data', 'reid_npy_to_pkl.py')
F = 4


def write_subset(folder,
                 dataset,
                 ids,
                 num_joints,
                 seed,
                 test=True,
                 id_file='frame_id'):
    """Write one subset in TranSG's layout; return keypoints (N, f, J, 3).

    Axis files hold ``(N * f, J)`` rows, sample-major as TranSG writes
    them; ``id_file`` is ``'frame_id'``, ``'ids'`` (only the pickled
    dict TranSG also writes) or None.
    """
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    keypoint = rng.normal(size=(len(ids), F, num_joints, 3))
    prefix = 't_source' if test else 'source'
    for c, axis in enumerate('xyz'):
        np.save(
            osp.join(folder, f'{prefix}_{axis}_{dataset}_{F}.npy'),
            keypoint[..., c].reshape(-1, num_joints))
    if id_file == 'frame_id':
        np.save(osp.join(folder, f'frame_id_{dataset}_{F}.npy'), np.array(ids))
    elif id_file == 'ids':
        table = {}
        for index, person in enumerate(ids):
            table.setdefault(person, []).append(index)
        np.save(osp.join(folder, f'ids_{dataset}_{F}.npy'), table)
    return keypoint


def write_set(base, dataset, num_joints, subsets=('probe', 'gallery')):
    """A tiny ``Datasets/<dataset>/<f>`` tree with 3 persons.

    Returns:
        tuple: The ``<f>`` folder and ``{subset: (keypoint, ids)}``.
    """
    root = osp.join(base, 'Datasets', dataset, str(F))
    content = {}
    ids = [7, 2, 7, 10]
    content['train'] = (write_subset(
        osp.join(root, 'train_npy_data'),
        dataset,
        ids,
        num_joints,
        seed=0,
        test=False), ids)
    for k, subset in enumerate(subsets):
        ids = [2, 10, 7] if k == 0 else [10, 7, 2, 2]
        content[subset] = (write_subset(
            osp.join(root, 'test_npy_data', subset),
            dataset,
            ids,
            num_joints,
            seed=k + 1), ids)
    return root, content


def by_role(data, role):
    return [a for a in data['annotations'] if a['role'] == role]


@pytest.mark.parametrize('dataset, num_joints, subsets, probe', [
    ('KS20', 25, ('probe', 'gallery'), 'probe'),
    ('IAS', 20, ('A', 'B'), 'A'),
    ('BIWI', 20, ('Still', 'Walking'), 'Still'),
])
def test_converts_tiny_set(tmp_path, dataset, num_joints, subsets, probe):
    root, content = write_set(tmp_path, dataset, num_joints, subsets)
    result = convert_reid_npy(root, dataset, frames=F, probe=probe)
    data = result.data
    gallery = subsets[1]
    assert data['split']['test'] == (
        data['split']['probe'] + data['split']['gallery'])
    for role, subset in [('train', 'train'), ('probe', probe),
                         ('gallery', gallery)]:
        annos = by_role(data, role)
        keypoint, ids = content[subset]
        assert [a['frame_dir'] for a in annos] == data['split'][role]
        assert [a['subject_id'] for a in annos] == [str(i) for i in ids]
        assert {a['subset'] for a in annos} == {subset}
        for anno, expected in zip(annos, keypoint):
            assert anno['keypoint'].shape == (1, F, num_joints, 3)
            assert anno['keypoint'].dtype == np.float32
            assert anno['total_frames'] == F
            np.testing.assert_allclose(
                anno['keypoint'][0], expected, rtol=1e-6)
    # Training IDs 2, 7, 10 sorted numerically -> labels 0, 1, 2.
    assert [a['label'] for a in by_role(data, 'train')] == [1, 0, 1, 2]
    assert {a['label'] for a in by_role(data, 'probe')} == {-1}
    assert {a['label'] for a in by_role(data, 'gallery')} == {-1}
    summary = result.summary()
    assert summary['roles'] == dict(gallery=4, probe=3, train=4)
    assert summary['subjects'] == dict(train=3, test=3, probe=3, gallery=3)
    assert summary['splits'] == dict(train=4, test=7, probe=3, gallery=4)
    assert summary['labels'] == 3 and summary['frames'] == 11 * F


def test_probe_picks_its_gallery_and_root_is_found(tmp_path):
    root, content = write_set(tmp_path, 'IAS', 20, ('A', 'B'))
    for where in (root, osp.dirname(root), osp.dirname(osp.dirname(root))):
        data = convert_reid_npy(where, 'IAS', frames=F, probe='B').data
        assert {a['subset'] for a in by_role(data, 'probe')} == {'B'}
        assert {a['subset'] for a in by_role(data, 'gallery')} == {'A'}
    with pytest.raises(ConversionError, match=r"no probe subset 'C'"):
        convert_reid_npy(root, 'IAS', frames=F, probe='C')


def test_kgbd_is_mapped_to_kinect_v1(tmp_path):
    root, content = write_set(tmp_path, 'KGBD', 20)
    data = convert_reid_npy(root, 'KGBD', frames=F).data
    raw = content['train'][0][0]
    np.testing.assert_allclose(
        data['annotations'][0]['keypoint'][0],
        raw[:, list(KGBD_TO_KINECT_V1)],
        rtol=1e-6)
    # HipCenter (Kinect v1 joint 0) is KGBD file joint 11.
    np.testing.assert_allclose(
        data['annotations'][0]['keypoint'][0, :, 0], raw[:, 11], rtol=1e-6)
    kept = convert_reid_npy(root, 'KGBD', frames=F, reorder_kgbd=False).data
    np.testing.assert_allclose(
        kept['annotations'][0]['keypoint'][0], raw, rtol=1e-6)


class _Marker:
    """Unpickling this creates ``path``: proof that a pickle was loaded."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


def test_pickled_ids_dict_is_never_loaded(tmp_path):
    root, _ = write_set(tmp_path, 'KS20', 25)
    folder = osp.join(root, 'train_npy_data')
    os.remove(osp.join(folder, f'frame_id_KS20_{F}.npy'))
    marker = osp.join(tmp_path, 'unpickled')
    np.save(
        osp.join(folder, f'ids_KS20_{F}.npy'),
        np.array([_Marker(marker)], dtype=object),
        allow_pickle=True)
    with pytest.raises(ConversionError,
                       match=f'frame_id_KS20_{F}.npy: file not found'):
        convert_reid_npy(root, 'KS20', frames=F)
    assert not osp.exists(marker)


def test_float_ids_lose_their_decimal_part(tmp_path):
    root, _ = write_set(tmp_path, 'KS20', 25)
    np.save(
        osp.join(root, 'train_npy_data', f'frame_id_KS20_{F}.npy'),
        np.array([7., 2., 7., 10.]))
    data = convert_reid_npy(root, 'KS20', frames=F).data
    assert [a['subject_id'] for a in by_role(data, 'train')] == \
        ['7', '2', '7', '10']


def _axis_path(root, axis, dataset='KS20', subset='probe'):
    return osp.join(root, 'test_npy_data', subset,
                    f't_source_{axis}_{dataset}_{F}.npy')


def test_axis_shape_mismatch_names_the_files(tmp_path):
    root, _ = write_set(tmp_path, 'KS20', 25)
    np.save(_axis_path(root, 'y'), np.zeros((2 * F, 25)))
    with pytest.raises(ConversionError, match='disagree in shape') as info:
        convert_reid_npy(root, 'KS20', frames=F)
    for axis in 'xyz':
        assert f't_source_{axis}_KS20_{F}.npy' in str(info.value)


@pytest.mark.parametrize('case, pattern', [
    ('rows', r'not a positive multiple of f = 4'),
    ('joints', r'J = 25 joints'),
    ('ids', r'has 2 IDs but .* has 3 samples'),
    ('missing', r'file not found'),
    ('no_ids', r'frame_id_KS20_4.npy: file not found'),
])
def test_inconsistent_files_are_errors(tmp_path, case, pattern):
    root, _ = write_set(tmp_path, 'KS20', 25)
    folder = osp.join(root, 'test_npy_data', 'probe')
    if case == 'rows':
        for axis in 'xyz':
            np.save(_axis_path(root, axis), np.zeros((3 * F + 1, 25)))
    elif case == 'joints':
        for axis in 'xyz':
            np.save(_axis_path(root, axis), np.zeros((3 * F, 20)))
    elif case == 'ids':
        np.save(osp.join(folder, f'frame_id_KS20_{F}.npy'), np.array([1, 2]))
    elif case == 'missing':
        os.remove(_axis_path(root, 'z'))
    elif case == 'no_ids':
        os.remove(osp.join(folder, f'frame_id_KS20_{F}.npy'))
    with pytest.raises(ConversionError, match=pattern) as info:
        convert_reid_npy(root, 'KS20', frames=F)
    assert folder in str(info.value)


def test_bad_options(tmp_path):
    root, _ = write_set(tmp_path, 'KS20', 25)
    with pytest.raises(ConversionError, match='unknown dataset'):
        convert_reid_npy(root, 'NTU', frames=F)
    with pytest.raises(ConversionError, match='positive int'):
        convert_reid_npy(root, 'KS20', frames=0)
    with pytest.raises(ConversionError, match='no train_npy_data'):
        convert_reid_npy(tmp_path / 'Datasets', 'KS20', frames=F + 2)
    with pytest.raises(
            ConversionError,
            match=f'source_x_KS20_6.npy: file not found; the folder has '
            f'frame_id_KS20_{F}.npy, source_x_KS20_{F}.npy'):
        convert_reid_npy(root, 'KS20', frames=F + 2)


def _tool():
    return load_tool(TOOL)


def test_cli_end_to_end(tmp_path, capsys):
    write_set(tmp_path, 'KS20', 25)
    out = tmp_path / 'out' / 'ks20.pkl'
    _tool().main(
        [str(tmp_path / 'Datasets'),
         str(out), '--dataset', 'KS20', '--frames',
         str(F)])
    stdout = capsys.readouterr().out
    assert "roles {'gallery': 4, 'probe': 3, 'train': 4}" in stdout
    assert ("subjects {'train': 3, 'test': 3, 'probe': 3, 'gallery': 3}"
            in stdout)
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert len(data['split']['test']) == 7
    assert data['annotations'][0]['keypoint'].shape == (1, F, 25, 3)


def test_cli_writes_nothing_on_error(tmp_path):
    root, _ = write_set(tmp_path, 'KS20', 25)
    np.save(_axis_path(root, 'x'), np.zeros((F, 25)))
    out = tmp_path / 'out' / 'ks20.pkl'
    with pytest.raises(SystemExit) as info:
        _tool().main([root, str(out), '--dataset', 'KS20', '--frames', str(F)])
    message = str(info.value.code)
    assert message.startswith('error: ')
    assert 'disagree in shape' in message
    assert f't_source_x_KS20_{F}.npy' in message
    assert message.endswith('(nothing written)')
    assert not out.exists()
    assert not (tmp_path / 'out').exists() or not os.listdir(tmp_path / 'out')


def test_cli_refuses_existing_output_without_overwrite(tmp_path, capsys):
    root, _ = write_set(tmp_path, 'KS20', 25)
    out = tmp_path / 'ks20.pkl'
    data = run_refusing_then_overwriting(
        _tool().main,
        [root, str(out), '--dataset', 'KS20', '--frames',
         str(F)], out, capsys)
    assert len(data['annotations']) == 11


def _put(root, axis, subset, value, sample, frame, joint, prefix='t_source'):
    """Set one value of an axis file (rows ``sample * F + frame``)."""
    folder = 'train_npy_data' if subset is None else osp.join(
        'test_npy_data', subset)
    path = osp.join(root, folder, f'{prefix}_{axis}_KS20_{F}.npy')
    rows = np.load(path)
    rows[sample * F + frame, joint] = value
    np.save(path, rows)
    return path


def test_non_finite_value_is_an_error_or_skipped(tmp_path, warnings):
    root, content = write_set(tmp_path, 'KS20', 25)
    _put(root, 'y', 'probe', np.nan, sample=1, frame=2, joint=5)
    # records name the axis files of their subset, whichever is bad
    path = _axis_path(root, 'x').replace('_x_', '_{x,y,z}_')
    _put(root, 'z', 'gallery', np.inf, sample=3, frame=0, joint=0)
    with pytest.raises(BadSampleError) as info:
        convert_reid_npy(root, 'KS20', frames=F)
    err = info.value
    assert err.kind == 'non-finite'
    assert str(err) == (
        f'{path} (sample 1): sample probe_000001: has 1 non-finite '
        'keypoint values (first at person 0, frame index 2, joint 5)')
    assert warnings == []
    result = convert_reid_npy(root, 'KS20', frames=F, skip_bad=True)
    assert result.data['split']['probe'] == ['probe_000000', 'probe_000002']
    assert result.data['split']['gallery'] == [
        'gallery_000000', 'gallery_000001', 'gallery_000002'
    ]
    summary = result.summary()
    assert (summary['samples'], summary['skipped']) == (9, 2)
    assert summary['skipped_by_kind'] == {'non-finite': 2}
    # one warning for the kind, with the count and the first example
    (message, ) = [m for m in warnings if '--skip-bad' in m]
    assert message.startswith('--skip-bad: skipped 2 non-finite sample(s)')
    assert 'probe_000001' in message
    # the good samples are unchanged
    probe = by_role(result.data, 'probe')
    np.testing.assert_allclose(
        probe[1]['keypoint'][0], content['probe'][0][2], rtol=1e-6)
