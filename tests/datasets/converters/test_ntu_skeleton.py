import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest
from mmaction.registry import DATASETS
from tool_loader import load_tool

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           convert_ntu, write_pickle)
from aclnet_mm.datasets.converters.readers.ntu_skeleton import parse_ntu_name
from aclnet_mm.datasets.converters.splits import (NTU60_XSUB_TRAIN,
                                                  NTU120_XSUB_TRAIN,
                                                  ntu_splits)
from .cli_helpers import run_refusing_then_overwriting

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TOOL = osp.join(REPO, 'tools', 'data', 'ntu_to_pkl.py')
BODY_A, BODY_B, BODY_C = '72057594037931101', '72057594037931102', '999'


def _joints(base, states=None):
    """Joint rows (25, 12): xyz = base + offsets, colour pixels, state."""
    j = np.arange(25, dtype=np.float64)
    rows = np.zeros((25, 12))
    rows[:, 0] = base + 0.5 + 0.01 * j
    rows[:, 1] = base - 0.2 + 0.02 * j
    rows[:, 2] = 3.0 + base
    rows[:, 3:5] = (250., 200.)  # depth pixels
    rows[:, 5] = 100. + 10. * j + 100. * base
    rows[:, 6] = 200. + 5. * j + 100. * base
    rows[:, 7] = 1.  # orientation quaternion
    rows[:, 11] = 2 if states is None else states
    return rows


def _ntu_text(frames, num_joints=25, newline='\n'):
    """Write frames [[(body_id, (25, 12) rows), ...], ...] as .skeleton."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for body_id, rows in bodies:
            lines.append(f'{body_id} 0 1 1 1 1 0 -0.08920905 -0.4797752 2')
            lines.append(str(num_joints))
            lines.extend(' '.join(f'{v:.7g}' for v in row)
                         for row in rows[:num_joints])
    return newline.join(lines) + newline


STATES = np.full(25, 2)
STATES[3], STATES[4] = 1, 0  # one inferred and one untracked joint
# Frame 0: A and B; frame 1: B only; frame 2: nobody; frame 3: A, B and a
# static third body C. B moves most, then A; C (a single frame) is dropped.
FRAMES = [
    [(BODY_A, _joints(0., STATES)), (BODY_B, _joints(1.))],
    [(BODY_B, _joints(1.5))],
    [],
    [(BODY_A, _joints(0.1)), (BODY_B, _joints(2.)), (BODY_C, _joints(5.))],
]
NAME = 'S001C002P003R001A005'  # label 4, xsub val, xview train


def _write(folder, name, text, newline=''):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{name}.skeleton'
    with open(path, 'w', newline=newline) as f:
        f.write(text)
    return path


def _one(result):
    (anno, ) = result.data['annotations']
    return anno


@pytest.mark.parametrize('newline', ['\n', '\r\n'])
def test_two_bodies_3d(tmp_path, newline):
    _write(tmp_path, NAME, _ntu_text(FRAMES, newline=newline))
    result = convert_ntu(str(tmp_path))
    anno = _one(result)
    assert anno['frame_dir'] == NAME
    assert anno['label'] == 4
    assert anno['total_frames'] == 4
    assert set(anno) == {'frame_dir', 'label', 'total_frames', 'keypoint'}
    kp = anno['keypoint']
    assert kp.dtype == np.float32 and kp.shape == (2, 4, 25, 3)
    expected = np.zeros((2, 4, 25, 3))
    expected[0, 0] = _joints(1.)[:, :3]  # slot 0: B, the most energetic
    expected[0, 1] = _joints(1.5)[:, :3]
    expected[0, 3] = _joints(2.)[:, :3]
    expected[1, 0] = _joints(0.)[:, :3]  # slot 1: A, absent in frame 1
    expected[1, 3] = _joints(0.1)[:, :3]
    np.testing.assert_allclose(kp, expected, rtol=1e-6)
    summary = result.summary()
    assert summary['empty_frames'] == 1  # frame 2 kept as zeros, counted
    assert summary['persons'] == {2: 1}
    assert result.data['split'] == dict(
        xsub_train=[], xsub_val=[NAME], xview_train=[NAME], xview_val=[])


def test_crlf_equals_lf(tmp_path):
    lf_path = _write(tmp_path / 'lf', NAME, _ntu_text(FRAMES))
    lf = convert_ntu(str(lf_path.parent))
    crlf_text = _ntu_text(FRAMES, newline='\r\n')
    crlf_path = _write(tmp_path / 'crlf', NAME, crlf_text)
    assert b'\r\n' in crlf_path.read_bytes()
    crlf = convert_ntu(str(crlf_path.parent))
    np.testing.assert_array_equal(_one(lf)['keypoint'], _one(crlf)['keypoint'])


def test_two_bodies_2d(tmp_path):
    _write(tmp_path, NAME, _ntu_text(FRAMES))
    anno = _one(convert_ntu(str(tmp_path), mode='2d'))
    assert anno['keypoint'].shape == (2, 4, 25, 2)
    assert anno['img_shape'] == anno['original_shape'] == (1080, 1920)
    np.testing.assert_allclose(anno['keypoint'][1, 0], _joints(0.)[:, 5:7])
    np.testing.assert_allclose(anno['keypoint'][0, 3], _joints(2.)[:, 5:7])
    score = anno['keypoint_score']
    assert score.dtype == np.float32 and score.shape == (2, 4, 25)
    expected = np.ones(25)
    expected[3], expected[4] = 0.5, 0.  # inferred, not tracked
    np.testing.assert_array_equal(score[1, 0], expected)
    np.testing.assert_array_equal(score[0, 0], np.ones(25))
    assert not score[:, 2].any() and not score[1, 1].any()


def test_max_person_one_keeps_most_energetic(tmp_path):
    _write(tmp_path, NAME, _ntu_text(FRAMES))
    kp = _one(convert_ntu(str(tmp_path), max_person=1))['keypoint']
    assert kp.shape == (1, 4, 25, 3)
    np.testing.assert_allclose(kp[0, 1], _joints(1.5)[:, :3], rtol=1e-6)


def test_official_splits():
    names = [
        'S001C001P001R001A001',  # xsub train (60 and 120), camera 1
        'S002C002P045R001A001',  # P045: NTU-120 train only; camera 2
        'S001C003P003R001A001',  # P003 val; camera 3
    ]
    ntu60 = ntu_splits(names, 'ntu60')
    assert ntu60 == dict(
        xsub_train=names[:1],
        xsub_val=names[1:],
        xview_train=names[1:],
        xview_val=names[:1])
    ntu120 = ntu_splits(names, 'ntu120')
    assert ntu120 == dict(
        xsub_train=names[:2],
        xsub_val=names[2:],
        xset_train=names[1:2],
        xset_val=[names[0], names[2]])
    assert len(NTU60_XSUB_TRAIN) == 20 and len(NTU120_XSUB_TRAIN) == 53
    assert set(NTU60_XSUB_TRAIN) < set(NTU120_XSUB_TRAIN)
    assert parse_ntu_name('a/S017C003P020R002A120.skeleton') == dict(
        setup=17, camera=3, performer=20, replication=2, action=120)


def test_ntu120_accepts_actions_above_60(tmp_path):
    _write(tmp_path, 'S018C001P045R001A120', _ntu_text(FRAMES[:1]))
    with pytest.raises(BadSampleError, match='unknown label'):
        convert_ntu(str(tmp_path))
    result = convert_ntu(str(tmp_path), dataset='ntu120')
    assert _one(result)['label'] == 119
    assert result.data['split']['xset_train'] == ['S018C001P045R001A120']


def test_loads_in_pose_dataset(tmp_path):
    raw = tmp_path / 'raw'
    _write(raw, 'S001C001P001R001A001', _ntu_text(FRAMES))
    _write(raw, NAME, _ntu_text(FRAMES[:2]))
    out = str(tmp_path / 'ntu.pkl')
    write_pickle(convert_ntu(str(raw)).data, out)
    pipeline = [
        dict(type='PreNormalize3D'),
        dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]
    ds = DATASETS.build(
        dict(
            type='PoseDataset',
            ann_file=out,
            pipeline=pipeline,
            split='xsub_train'))
    assert len(ds) == 1
    item = ds[0]
    assert tuple(item['inputs'].shape) == (1, 2, 8, 25, 3)
    assert item['data_samples'].gt_label.item() == 0


def _good():
    return _ntu_text(FRAMES)


def _truncated():
    return ''.join(_good().splitlines(keepends=True)[:10])


def _replace_first_field(lineno, token):
    lines = _good().splitlines(keepends=True)
    line = lines[lineno - 1]
    lines[lineno - 1] = token + line[line.index(' '):]
    return ''.join(lines)


BAD = {
    # kind: (file name, content, what the message must contain)
    'truncated': (NAME, _truncated,
                  ['line 11', 'ends early', 'joint 7 of body 1 of frame 1']),
    'joint count': (NAME, lambda: _ntu_text(FRAMES, num_joints=24),
                    ['line 4', '24 joints, expected 25']),
    'zero frames': (NAME, lambda: '0\n', ['line 1', 'empty sequence']),
    'empty file': (NAME, lambda: '\r\n', ['empty sequence', 'is empty']),
    'no body': (NAME, lambda: '2\r\n0\r\n0\r\n', ['no body in any of the 2']),
    'unknown label': ('S001C001P001R001A061', _good, ['unknown label',
                                                      'A061']),
    'bad name': ('clip_01', _good, ['SsssCcccPpppRrrrAaaa']),
    'non-numeric': (NAME, lambda: _replace_first_field(6, 'abc'),
                    ['line 6', 'non-numeric', 'abc', 'joint 2 of body 1']),
    # line 8: joint 4 (index 3) of body 1 of frame 1
    'not finite': (NAME, lambda: _replace_first_field(8, 'nan'), [
        'sample S001C002P003R001A005', '1 non-finite', 'person 0',
        'frame index 0', 'joint 3'
    ]),
    'trailing data': (NAME, lambda: _good() + '7\n',
                      ['unexpected data after the last of the 4 frames']),
}


#: The ``BadSampleError.kind`` of each case of :data:`BAD`.
BAD_KIND = dict.fromkeys(BAD, 'unreadable')
BAD_KIND.update({
    'zero frames': 'empty',
    'empty file': 'empty',
    'no body': 'empty',
    'unknown label': 'label',
    'joint count': 'joints',
    'not finite': 'non-finite'
})


@pytest.mark.parametrize('kind', sorted(BAD))
def test_bad_input_names_file_and_line(tmp_path, kind):
    name, content, needles = BAD[kind]
    path = _write(tmp_path, name, content())
    with pytest.raises(BadSampleError) as info:
        convert_ntu(str(tmp_path))
    assert info.value.kind == BAD_KIND[kind]
    message = str(info.value)
    assert message.startswith(str(path))
    for needle in needles:
        assert needle in message


def _load_tool():
    return load_tool(TOOL)


@pytest.mark.parametrize('kind', ['truncated', 'joint count', 'non-numeric'])
def test_cli_writes_nothing_on_error_and_skips_on_request(
        tmp_path, capsys, kind):
    raw = tmp_path / 'raw'
    _write(raw, 'S001C001P001R001A001', _good())
    name, content, _ = BAD[kind]
    _write(raw, name, content())
    out = tmp_path / 'out' / 'ntu.pkl'
    tool = _load_tool()
    with pytest.raises(SystemExit) as info:
        tool.main([str(raw), str(out)])
    assert f'{name}.skeleton, line' in str(info.value.code)
    assert not out.parent.exists()  # not even a temporary file

    tool.main([str(raw), str(out), '--skip-bad'])
    assert f"1 skipped {{'{BAD_KIND[kind]}': 1}}" in capsys.readouterr().out
    assert os.listdir(out.parent) == ['ntu.pkl']
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert [a['frame_dir']
            for a in data['annotations']] == ['S001C001P001R001A001']


def test_skip_bad_counts(tmp_path):
    _write(tmp_path, 'S001C001P001R001A001', _good())
    bad = [_write(tmp_path, f'S001C001P001R001A00{i}', '0\n') for i in (2, 3)]
    result = convert_ntu(str(tmp_path), skip_bad=True)
    assert [e.path for e in result.skipped] == [str(p) for p in bad]
    assert result.summary()['skipped'] == 2
    assert result.summary()['skipped_by_kind'] == dict(empty=2)
    assert result.summary()['samples'] == 1


def test_only_bad_files_is_an_error(tmp_path):
    _write(tmp_path, NAME, '0\n')
    with pytest.raises(ConversionError, match='no sample'):
        convert_ntu(str(tmp_path), skip_bad=True)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ConversionError, match='no \\*.skeleton file'):
        convert_ntu(str(tmp_path / 'empty'))
    with pytest.raises(ConversionError, match='is not a folder'):
        convert_ntu(str(tmp_path / 'missing'))


def test_cli_subprocess(tmp_path):
    """The one end-to-end run of a tool as a program (the others run
    ``main`` in-process: the package import costs seconds per process)."""
    raw = tmp_path / 'raw'
    _write(raw, 'S001C001P001R001A001', _good(), newline='\r\n')
    _write(raw, NAME, _good())
    out = tmp_path / 'ntu2d.pkl'
    proc = subprocess.run([
        sys.executable, TOOL,
        str(raw),
        str(out), '--mode', '2d', '--max-person', '1'
    ],
                          capture_output=True,
                          text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '2 samples (2 labels)' in proc.stdout
    assert '0 skipped' in proc.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['annotations'][0]['keypoint'].shape == (1, 4, 25, 2)
    assert data['split']['xsub_train'] == ['S001C001P001R001A001']


def test_cli_refuses_existing_output_without_overwrite(tmp_path, capsys):
    raw = tmp_path / 'raw'
    _write(raw, NAME, _good())
    out = tmp_path / 'ntu.pkl'
    data = run_refusing_then_overwriting(_load_tool().main,
                                         [str(raw), str(out)], out, capsys)
    assert [a['frame_dir'] for a in data['annotations']] == [NAME]
