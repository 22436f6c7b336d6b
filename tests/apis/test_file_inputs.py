"""read_skeleton_file and SkeletonRecognizer.predict_file on each kind."""
import os
import pickle

import numpy as np
import pytest
from infer_fixture import (pose_pickle, random_checkpoint, tiny_config,
                           write_alphapose_json, write_kinetics_json,
                           write_ntu_skeleton, write_reid_triple)
from pickle_payloads import REFUSED, assert_refused, dump_payload

from aclnet_mm.apis import (SkeletonFileError, SkeletonRecognizer,
                            list_skeleton_files, read_skeleton_file)

NTU_NAME = 'S001C001P001R001A010.skeleton'


def test_ntu_skeleton_3d_and_2d(tmp_path):
    path = tmp_path / NTU_NAME
    xyz = write_ntu_skeleton(path, frames=6)
    (rec, ) = read_skeleton_file(str(path), mode='3d')
    assert rec['name'] == NTU_NAME[:-len('.skeleton')]
    assert rec['keypoint'].shape == (1, 6, 25, 3)
    np.testing.assert_allclose(rec['keypoint'][0], xyz, atol=1e-5)
    assert rec['keypoint_score'] is None
    (rec2d, ) = read_skeleton_file(str(path), mode='2d')
    assert rec2d['keypoint'].shape == (1, 6, 25, 2)
    # colour x of joint j is 100 + 10 j (see write_ntu_skeleton)
    np.testing.assert_allclose(rec2d['keypoint'][0, 0, :, 0],
                               100 + 10 * np.arange(25))
    assert rec2d['keypoint_score'].shape == (1, 6, 25)


def test_kinetics_json_with_and_without_label(tmp_path):
    for i, label in enumerate([3, None]):
        path = write_kinetics_json(tmp_path / f'clip{i}.json', frames=5,
                                   label_index=label)
        (rec, ) = read_skeleton_file(path)
        assert rec['keypoint'].shape == (1, 5, 18, 2)
        assert rec['img_shape'] == (256, 340)
        assert rec['keypoint_score'].shape == (1, 5, 18)
        assert 0 < rec['keypoint'][..., 0].max() <= 340


def test_alphapose_json(tmp_path):
    path = write_alphapose_json(tmp_path / 'video.json', frames=6)
    (rec, ) = read_skeleton_file(path)
    assert rec['keypoint'].shape == (1, 6, 17, 2)
    np.testing.assert_allclose(rec['keypoint_score'], 0.8)


def test_reid_triple(tmp_path):
    x_path, values = write_reid_triple(str(tmp_path), samples=2, frames=6)
    recs = read_skeleton_file(x_path)
    assert [r['name'] for r in recs] == [
        'source_x_KS20_6_0', 'source_x_KS20_6_1'
    ]
    for rec, want in zip(recs, values):
        np.testing.assert_array_equal(rec['keypoint'][0], want)
    # only the x file stands for the triple in a folder listing
    assert list_skeleton_files(str(tmp_path)) == [x_path]


def test_pose_pickle_one_record_per_annotation(tmp_path):
    path = pose_pickle(tmp_path / 'p.pkl', '2d', num=3)
    with open(path, 'rb') as f:
        annos = pickle.load(f)['annotations']
    recs = read_skeleton_file(path)
    assert [r['name'] for r in recs] == ['s0', 's1', 's2']
    for rec, anno in zip(recs, annos):
        np.testing.assert_array_equal(rec['keypoint'], anno['keypoint'])
        np.testing.assert_array_equal(rec['keypoint_score'],
                                      anno['keypoint_score'])
        assert rec['img_shape'] == (480, 640)


def test_compressed_pickle_is_expanded(tmp_path):
    kp = np.arange(2 * 17 * 3, dtype=np.float32).reshape(2, 17, 3)
    anno = dict(frame_dir='c', label=0, total_frames=3,
                frame_inds=np.array([0, 2]), keypoint=kp)
    path = tmp_path / 'c.pkl'
    with open(path, 'wb') as f:
        pickle.dump([anno], f)
    (rec, ) = read_skeleton_file(str(path))
    assert rec['keypoint'].shape == (1, 3, 17, 2)
    np.testing.assert_array_equal(rec['keypoint'][0, 2], kp[1, :, :2])
    np.testing.assert_array_equal(rec['keypoint'][0, 1], 0)
    np.testing.assert_array_equal(rec['keypoint_score'][0, 0], kp[0, :, 2])


@pytest.mark.parametrize('name, content, words', [
    ('bad.json', '{"data": [', ['bad.json', 'JSON']),
    ('x.txt', 'hello', ['x.txt', 'unknown skeleton file kind']),
    ('clip.skeleton', '2\n', ['clip.skeleton']),
])
def test_bad_files_name_the_file(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SkeletonFileError) as err:
        read_skeleton_file(str(path))
    for word in words:
        assert word in str(err.value)


def test_predict_file_matches_predict(tmp_path):
    cfg = tiny_config('3d', tmp_path / 'unused.pkl')
    ckpt = random_checkpoint(cfg, tmp_path / 't.pth')
    rec = SkeletonRecognizer(cfg, ckpt)
    path = tmp_path / NTU_NAME
    xyz = write_ntu_skeleton(path, frames=10)
    ((name, pred), ) = rec.predict_file(str(path))
    assert name == NTU_NAME[:-len('.skeleton')]
    want = rec.predict(xyz[None])  # the written coordinates, directly
    np.testing.assert_allclose(pred.all_scores, want.all_scores, atol=1e-6)
    x_path, values = write_reid_triple(str(tmp_path), samples=2, frames=9)
    preds = rec.predict_file(x_path)
    for (_, pred), value in zip(preds, values):
        np.testing.assert_allclose(
            pred.all_scores, rec.predict(value).all_scores, atol=1e-6)


def test_predict_file_wrong_layout_names_file_and_record(tmp_path):
    cfg = tiny_config('2d', tmp_path / 'unused.pkl')
    rec = SkeletonRecognizer(cfg, random_checkpoint(cfg, tmp_path / 't.pth'))
    path = write_kinetics_json(tmp_path / 'k.json', label_index=1)
    with pytest.raises(ValueError) as err:
        rec.predict_file(path)
    assert 'k.json' in str(err.value) and '18 joints' in str(err.value)
    assert '(M, T, 17, 2)' in str(err.value)
    coco = write_alphapose_json(tmp_path / 'a.json', frames=7)
    ((name, pred), ) = rec.predict_file(coco)
    assert name == 'a' and len(pred.labels) == 3


def test_reid_triple_missing_axis_names_the_file(tmp_path):
    x_path, _ = write_reid_triple(str(tmp_path), samples=2, frames=6)
    z_path = x_path.replace('_x_', '_z_')
    os.remove(z_path)
    with pytest.raises(SkeletonFileError) as err:
        read_skeleton_file(x_path)
    assert f'{z_path}: file not found' in str(err.value)


def test_ntu_skeleton_with_any_name_is_read(tmp_path):
    """The name only gives the label, which inference does not need."""
    xyz = write_ntu_skeleton(tmp_path / 'kitchen take 2.skeleton', frames=5)
    (rec, ) = read_skeleton_file(str(tmp_path / 'kitchen take 2.skeleton'))
    assert rec['name'] == 'kitchen take 2'
    np.testing.assert_allclose(rec['keypoint'][0], xyz, atol=1e-5)
    # the converter, which needs the label, still refuses the name
    from aclnet_mm.datasets.converters import BadSampleError
    from aclnet_mm.datasets.converters.readers.ntu_skeleton import \
        read_ntu_record
    with pytest.raises(BadSampleError, match='is not SsssCcccPpppRrrrAaaa'):
        read_ntu_record(str(tmp_path / 'kitchen take 2.skeleton'))


def test_pickle_that_would_run_code_is_refused(tmp_path):
    for kind in sorted(REFUSED):
        marker = tmp_path / f'pwned_{kind}'
        path = dump_payload(
            tmp_path / 'x.pkl', kind, marker,
            lambda obj: dict(annotations=[
                dict(frame_dir='a', keypoint=np.zeros((1, 2, 25, 3)),
                     note=obj)
            ]))
        with pytest.raises(SkeletonFileError) as err:
            read_skeleton_file(path)
        assert str(err.value).startswith(
            f'refused to load skeleton pickle {path}: it needs the global')
        assert_refused(err.value, path, kind, marker)


def test_empty_or_truncated_pickle_is_one_error(tmp_path):
    whole = open(pose_pickle(tmp_path / 'p.pkl', '3d'), 'rb').read()
    (tmp_path / 'cut.pkl').write_bytes(whole[:len(whole) // 2])
    with pytest.raises(SkeletonFileError,
                       match=f'skeleton pickle {tmp_path}/cut.pkl cannot be '
                       r'read as a pickle \(truncated or corrupt\?\)'):
        read_skeleton_file(str(tmp_path / 'cut.pkl'))
    (tmp_path / 'e.pkl').write_bytes(b'')
    with pytest.raises(SkeletonFileError, match='is empty'):
        read_skeleton_file(str(tmp_path / 'e.pkl'))
