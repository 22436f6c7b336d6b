import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest

from aclnet_mm.datasets.converters.common import ConversionError
from aclnet_mm.datasets.converters.reid_npy import (KGBD_TO_KINECT_V1,
                                                    convert_reid_npy,
                                                    role_summary)

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
    them; ``id_file`` is ``'frame_id'``, ``'ids'`` (the pickled dict) or
    None.
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
    data = convert_reid_npy(root, dataset, frames=F, probe=probe).data
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
    assert role_summary(data)['gallery'] == dict(samples=4, subjects=3)


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


def test_ids_dict_is_used_without_frame_id(tmp_path):
    root = osp.join(tmp_path, 'KS20', str(F))
    write_subset(
        osp.join(root, 'train_npy_data'),
        'KS20', [5, 3, 5],
        25,
        0,
        test=False,
        id_file='ids')
    for k, subset in enumerate(('probe', 'gallery')):
        write_subset(
            osp.join(root, 'test_npy_data', subset),
            'KS20', [3, 5],
            25,
            k + 1,
            id_file='ids')
    data = convert_reid_npy(root, 'KS20', frames=F).data
    train = by_role(data, 'train')
    assert [a['subject_id'] for a in train] == ['5', '3', '5']
    assert [a['label'] for a in train] == [1, 0, 1]


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
    ('no_ids', r'no ID file'),
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


def _run_cli(*args):
    cmd = [sys.executable, TOOL, *map(str, args)]
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, cwd=REPO)


def test_cli_end_to_end(tmp_path):
    root, content = write_set(tmp_path, 'KS20', 25)
    out = tmp_path / 'out' / 'ks20.pkl'
    proc = _run_cli(tmp_path / 'Datasets', out, '--dataset', 'KS20',
                    '--frames', F)
    assert proc.returncode == 0, proc.stderr
    assert 'probe 3 samples of 3 subjects' in proc.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert len(data['split']['test']) == 7
    assert data['annotations'][0]['keypoint'].shape == (1, F, 25, 3)
    assert 'torch' not in proc.stderr


def test_cli_writes_nothing_on_error(tmp_path):
    root, _ = write_set(tmp_path, 'KS20', 25)
    np.save(_axis_path(root, 'x'), np.zeros((F, 25)))
    out = tmp_path / 'out' / 'ks20.pkl'
    proc = _run_cli(root, out, '--dataset', 'KS20', '--frames', F)
    assert proc.returncode != 0
    assert 'disagree in shape' in proc.stderr
    assert f't_source_x_KS20_{F}.npy' in proc.stderr
    assert 'nothing written' in proc.stderr
    assert not out.exists()
    assert not (tmp_path / 'out').exists() or not os.listdir(tmp_path / 'out')
