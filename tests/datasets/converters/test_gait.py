import csv
import json
import os.path as osp
import pickle

import numpy as np
import pytest
from tool_loader import load_tool

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           PoseRecord, convert_gait)
from aclnet_mm.datasets.converters.convert import split_by_subject
from aclnet_mm.datasets.converters.identifiers import (IdRanges, gait_fields,
                                                       normalize_id)
from .cli_helpers import run_refusing_then_overwriting

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
TOOL = osp.join(REPO, 'tools', 'data', 'casia_b_to_pkl.py')
JOINTS = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
          'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
          'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee',
          'right_knee', 'left_ankle', 'right_ankle')
PSYMO = 'psymo'


def _pose(x, conf=0.8):
    """(17, 3): joint j at (x + 10 j, 2 x + j) with confidence ``conf``."""
    j = np.arange(17)
    return np.stack([x + 10. * j, 2. * x + j, np.full(17, conf)], axis=1)


# ----------------------------------------------------------------------------
# GaitGraph CSV


def _csv_rows():
    """Rows of a tiny GaitGraph CSV: 4 subjects, 2 conditions, 2 views.

    Sequence 001-nm-01-090 has frames 1, 2 (two detections, the better one
    second) and 4 (frame 3 missing); the others have frames 1-3.
    """
    rows = [
        ('casia-b/001-nm-01-090/001.jpg', _pose(10.)),
        ('casia-b/001-nm-01-090/002.jpg', _pose(500., conf=0.3)),
        ('casia-b/001-nm-01-090/002.jpg', _pose(20., conf=0.9)),
        ('casia-b/001-nm-01-090/004.jpg', _pose(40.)),
    ]
    for sid, cond, view in [('001', 'bg-02', '000'), ('002', 'nm-01', '090'),
                            ('075', 'nm-05', '000'), ('075', 'cl-01', '090'),
                            ('200', 'nm-01', '000')]:
        rows += [(f'casia-b/{sid}-{cond}-{view}/{t:03d}.jpg', _pose(5. * t))
                 for t in (1, 2, 3)]
    return [[name] + [f'{v:.4f}' for v in pose.ravel()] for name, pose in rows]


def _write_csv(path, rows, header=None):
    if header is None:
        header = ['image_name'
                  ] + [f'{j}_{c}' for j in JOINTS for c in ('x', 'y', 'conf')]
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _by_name(result):
    return {a['frame_dir']: a for a in result.data['annotations']}


def test_gaitgraph_csv(tmp_path):
    src = _write_csv(tmp_path / 'casia-b_pose_coco.csv', _csv_rows())
    result = convert_gait(src, 'gaitgraph-csv')
    annos = _by_name(result)
    # subject 200 is in neither default range
    assert sorted(annos) == [
        '001-bg-02-000', '001-nm-01-090', '002-nm-01-090', '075-cl-01-090',
        '075-nm-05-000'
    ]
    assert result.data['split'] == dict(
        train=['001-bg-02-000', '001-nm-01-090', '002-nm-01-090'],
        test=['075-cl-01-090', '075-nm-05-000'])
    a = annos['001-nm-01-090']
    assert (a['subject_id'], a['condition'], a['view']) == ('001', 'nm-01',
                                                            '090')
    assert a['total_frames'] == 4
    assert a['keypoint'].dtype == np.float32
    assert a['keypoint'].shape == (1, 4, 17, 2)
    assert a['keypoint_score'].shape == (1, 4, 17)
    assert a['img_shape'] == a['original_shape'] == (240, 320)
    np.testing.assert_allclose(a['keypoint'][0, 0], _pose(10.)[:, :2])
    # frame 2: the more confident detection; frame 3: missing -> zeros
    np.testing.assert_allclose(a['keypoint'][0, 1], _pose(20.)[:, :2])
    np.testing.assert_allclose(a['keypoint_score'][0, 1], 0.9)
    assert not a['keypoint'][0, 2].any()
    assert not a['keypoint_score'][0, 2].any()
    assert {
        n: x['label']
        for n, x in annos.items()
    } == {
        '001-bg-02-000': 0,
        '001-nm-01-090': 0,
        '002-nm-01-090': 1,
        '075-cl-01-090': -1,
        '075-nm-05-000': -1
    }
    s = result.summary()
    assert s['missing_frames'] == 1
    assert s['multi_person_frames'] == 1 and s['multi_person_sequences'] == 1
    assert s['outside_split'] == 1  # the sequence of subject 200
    assert s['subjects'] == dict(train=2, test=1)
    assert s['conditions'] == {'bg-02': 1, 'cl-01': 1, 'nm-01': 2, 'nm-05': 1}
    assert s['views'] == {'000': 2, '090': 3}


def test_gaitgraph_csv_bad_header(tmp_path):
    src = _write_csv(tmp_path / 'a.csv', _csv_rows(), header=['x', 'y'])
    with pytest.raises(ConversionError, match='a.csv, line 1'):
        convert_gait(src, 'gaitgraph-csv')


def test_gaitgraph_csv_corrupt_row(tmp_path):
    rows = _csv_rows()
    rows[5][7] = 'nan?'  # line 7: 001-bg-02-000, frame 2
    src = _write_csv(tmp_path / 'bad.csv', rows)
    with pytest.raises(
            BadSampleError, match=r'bad\.csv, line 7: sequence 001-bg-02-000'):
        convert_gait(src, 'gaitgraph-csv')
    result = convert_gait(src, 'gaitgraph-csv', skip_bad=True)
    assert len(result.skipped) == 1
    assert result.skipped[0].kind == 'unreadable'
    assert '001-bg-02-000' not in _by_name(result)  # dropped as a whole
    assert len(result.data['annotations']) == 4


def test_gaitgraph_csv_bad_name_and_short_row(tmp_path):
    rows = _csv_rows()
    rows.append(['casia-b/not-a-sequence.jpg'] + rows[0][1:])
    rows.append(rows[0][:10])
    src = _write_csv(tmp_path / 'bad.csv', rows)
    with pytest.raises(BadSampleError, match='is not "<dir>/<sid>'):
        convert_gait(src, 'gaitgraph-csv')
    result = convert_gait(src, 'gaitgraph-csv', skip_bad=True)
    assert len(result.skipped) == 2
    assert result.summary()['skipped_by_kind'] == dict(unreadable=2)
    assert '001-nm-01-090' not in _by_name(result)


# ----------------------------------------------------------------------------
# OpenGait / FastPoseGait pose tree


def _write_pkl(root, sid, cond, view, obj, raw=None):
    folder = root / sid / cond / view
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{view}.pkl'
    path.write_bytes(raw if raw is not None else pickle.dumps(obj))
    (folder / 'mapping.txt').write_text('ignored\n')
    return path


def _opengait_tree(root, empty=True):
    """12 sequences of 3 frames (the middle one all zeros); with ``empty``
    two more without any detection (0 frames, 4 all-zero frames)."""
    seq = np.stack([_pose(10.), np.zeros((17, 3)), _pose(30.)])
    for sid in ('001', '002', '075'):
        for cond in ('nm-01', 'cl-02'):
            for view in ('000', '018'):
                _write_pkl(root, sid, cond, view, seq)
    if empty:
        _write_pkl(root, '002', 'bg-01', '000', np.zeros((0, 17, 3)))
        _write_pkl(root, '002', 'bg-01', '018', np.zeros((4, 17, 3)))


def test_opengait_empty_sequences_are_bad_samples(tmp_path):
    _opengait_tree(tmp_path)
    with pytest.raises(BadSampleError, match='empty sequence') as info:
        convert_gait(str(tmp_path), 'opengait-pkl')
    assert info.value.kind == 'empty'
    assert info.value.path == str(tmp_path / '002' / 'bg-01' / '000' /
                                  '000.pkl')
    result = convert_gait(str(tmp_path), 'opengait-pkl', skip_bad=True)
    assert [e.path for e in result.skipped] == [
        str(tmp_path / '002' / 'bg-01' / v / f'{v}.pkl')
        for v in ('000', '018')
    ]
    s = result.summary()
    assert (s['samples'], s['skipped']) == (12, 2)
    assert s['skipped_by_kind'] == dict(empty=2)


def test_opengait_tree(tmp_path):
    _opengait_tree(tmp_path)
    result = convert_gait(str(tmp_path), 'opengait-pkl', skip_bad=True)
    annos = _by_name(result)
    assert len(annos) == 12
    a = annos['075-cl-02-018']
    assert (a['subject_id'], a['condition'], a['view'],
            a['label']) == ('075', 'cl-02', '018', -1)
    assert a['keypoint'].shape == (1, 3, 17, 2)
    assert a['keypoint'].dtype == a['keypoint_score'].dtype == np.float32
    np.testing.assert_allclose(a['keypoint'][0, 2], _pose(30.)[:, :2])
    np.testing.assert_allclose(a['keypoint_score'][0, 0], 0.8, rtol=1e-6)
    assert annos['002-nm-01-000']['label'] == 1
    s = result.summary()
    assert s['skipped'] == 2  # the empty sequences
    assert s['missing_frames'] == 12  # one all-zero frame per sequence
    assert s['empty_frames'] == 12
    assert (s['frames'], s['min_frames'], s['max_frames']) == (36, 3, 3)
    assert s['persons'] == {1: 12}
    assert s['labels'] == 2  # subjects 001 and 002
    assert result.data['split']['test'] == [
        '075-cl-02-000', '075-cl-02-018', '075-nm-01-000', '075-nm-01-018'
    ]


@pytest.mark.parametrize('raw, obj, match', [
    (b'\x80\x04\x95garbage', None, 'cannot be read as a pickle'),
    (None, np.zeros((3, 17, 2)), r'shape \(3, 17, 2\)'),
    (None, {
        'keypoint': 1
    }, 'not an array'),
])
def test_opengait_corrupt(tmp_path, raw, obj, match):
    _opengait_tree(tmp_path, empty=False)
    bad = _write_pkl(tmp_path, '001', 'nm-02', '090', obj, raw=raw)
    with pytest.raises(BadSampleError, match=match) as info:
        convert_gait(str(tmp_path), 'opengait-pkl')
    assert info.value.path == str(bad)
    assert info.value.kind == 'unreadable'
    result = convert_gait(str(tmp_path), 'opengait-pkl', skip_bad=True)
    assert [e.path for e in result.skipped] == [str(bad)]
    assert len(result.data['annotations']) == 12


def test_opengait_bad_layout(tmp_path):
    _opengait_tree(tmp_path)
    (tmp_path / 'stray.pkl').write_bytes(pickle.dumps(1))
    with pytest.raises(ConversionError, match='stray.pkl: expected <sid>'):
        convert_gait(str(tmp_path), 'opengait-pkl')


# ----------------------------------------------------------------------------
# Folder of per-sequence JSON


def _det(frame, x, score):
    return dict(
        image_id=f'{frame}.jpg',
        category_id=1,
        keypoints=_pose(x).ravel().tolist(),
        score=score,
        box=[0, 0, 1, 1],
        idx=[0.0])


def _write_json(folder, name, content):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        content if isinstance(content, str) else json.dumps(content))
    return path


def _psymo_tree(root):
    """Subjects 0-3, views 00/90, directions 0/1, nm runs 0-1 and bg."""
    walk = [_det(3, 10., 1.), _det(4, 20., 1.), _det(6, 40., 1.)]
    for sid in range(4):
        for view in ('00', '90'):
            for direction in (0, 1):
                for run, cond in ((0, 'nm'), (1, 'nm'), (0, 'bg')):
                    name = f'{sid:03d}_{view}_{direction}_{run}_{cond}.json'
                    _write_json(root / str(sid), name, walk)
    # frame 4 of one walk: two detections, the better one second
    _write_json(root / '0', '000_90_1_1_nm.json', [
        _det(3, 10., 1.),
        _det(4, 900., 0.5),
        _det(4, 20., 2.),
        _det(6, 40., 1.)
    ])
    _write_json(root, 'README.json', {'not': 'a walk'})


def test_folder_psymo(tmp_path):
    _psymo_tree(tmp_path)
    result = convert_gait(
        str(tmp_path),
        'folder',
        pattern=PSYMO,
        train_subjects='0-1',
        test_subjects='2-3')
    annos = _by_name(result)
    assert len(annos) == 4 * 2 * 2 * 3
    a = annos['000_90_1_1_nm']
    assert (a['subject_id'], a['condition'], a['view'],
            a['direction']) == ('000', 'nm-02', '090', '1')
    assert annos['000_90_0_0_nm']['condition'] == 'nm-01'
    assert annos['003_00_1_0_bg']['condition'] == 'bg-01'
    assert a['keypoint'].shape == (1, 4, 17, 2)  # frames 3-6
    assert a['img_shape'] == (1080, 1920)
    np.testing.assert_allclose(a['keypoint'][0, 1], _pose(20.)[:, :2])
    assert not a['keypoint'][0, 2].any()  # frame 5 missing
    labels = {x['subject_id']: x['label'] for x in annos.values()}
    assert labels == {'000': 0, '001': 1, '002': -1, '003': -1}
    s = result.summary()
    assert s['conditions'] == {'bg-01': 16, 'nm-01': 16, 'nm-02': 16}
    assert s['views'] == {'000': 24, '090': 24}
    assert s['splits'] == dict(train=24, test=24)
    assert s['missing_frames'] == 48  # frame 5 of every walk
    assert s['multi_person_frames'] == 1
    assert s['unmatched_files'] == 1  # README.json


def test_folder_seq_numbering(tmp_path):
    walk = [_det(1, 10., 1.)]
    _write_json(tmp_path, '001-nm-01-090.json', walk)
    _write_json(tmp_path, '001-nm-02-090.json', walk)
    _write_json(tmp_path, '080-cl-02-000.json', walk)
    names = {
        a['frame_dir']: a['condition']
        for a in convert_gait(str(tmp_path), 'folder',
                              pattern='casia-b').data['annotations']
    }
    assert names == {
        '001-nm-01-090': 'nm-01',
        '001-nm-02-090': 'nm-02',
        '080-cl-02-000': 'cl-02'
    }
    # seq_start fixed: seq 2 is the first run
    result = convert_gait(
        str(tmp_path), 'folder', pattern='casia-b', seq_start=2, skip_bad=True)
    assert len(result.skipped) == 1  # seq 1 < seq_start
    # no seq group: the condition group is used as it is
    pattern = (r'^(?P<subject>\d+)-(?P<condition>[a-z]+-\d+)-'
               r'(?P<view>\d+)\.json$')
    conds = {
        a['condition']
        for a in convert_gait(str(tmp_path), 'folder',
                              pattern=pattern).data['annotations']
    }
    assert conds == {'nm-01', 'nm-02', 'cl-02'}


def test_folder_corrupt_and_empty(tmp_path):
    _psymo_tree(tmp_path)
    bad = _write_json(tmp_path / '1', '001_00_0_0_nm.json', '[{"image_id": ')
    _write_json(tmp_path / '1', '001_00_1_0_nm.json', [])  # empty sequence
    with pytest.raises(BadSampleError, match='invalid JSON') as info:
        convert_gait(
            str(tmp_path),
            'folder',
            pattern=PSYMO,
            train_subjects='0-1',
            test_subjects='2-3')
    assert info.value.path == str(bad)
    result = convert_gait(
        str(tmp_path),
        'folder',
        pattern=PSYMO,
        train_subjects='0-1',
        test_subjects='2-3',
        skip_bad=True)
    s = result.summary()
    assert (s['skipped'], s['samples']) == (2, 46)
    assert s['skipped_by_kind'] == dict(unreadable=1, empty=1)


def test_folder_empty_sequence_is_an_error_by_default(tmp_path):
    _psymo_tree(tmp_path)
    empty = _write_json(tmp_path / '1', '001_00_1_0_nm.json', [])
    with pytest.raises(BadSampleError, match='empty sequence') as info:
        convert_gait(
            str(tmp_path),
            'folder',
            pattern=PSYMO,
            train_subjects='0-1',
            test_subjects='2-3')
    assert (info.value.path, info.value.kind) == (str(empty), 'empty')


def test_folder_bad_pattern(tmp_path):
    _psymo_tree(tmp_path)
    with pytest.raises(ConversionError, match='lacks the named groups'):
        convert_gait(str(tmp_path), 'folder', pattern=r'(?P<subject>\d+)')
    with pytest.raises(ConversionError, match='bad pattern'):
        convert_gait(str(tmp_path), 'folder', pattern='(')
    with pytest.raises(ConversionError, match='matches the pattern'):
        convert_gait(
            str(tmp_path),
            'folder',
            pattern=r'^(?P<subject>x)(?P<view>y)(?P<condition>z)$')


# ----------------------------------------------------------------------------
# Splits, labels, options


def test_id_ranges():
    ranges = IdRanges('1-59, 60-74,100')
    assert 1 in ranges and 74 in ranges and 100 in ranges
    assert 0 not in ranges and 75 not in ranges
    assert ranges.overlaps(IdRanges('74-80'))
    assert not ranges.overlaps(IdRanges('75-99'))
    for text in ('1-', 'a-b', '5-3', ''):
        with pytest.raises(ConversionError, match='bad subject range'):
            IdRanges(text)
    assert normalize_id('7') == '007' and normalize_id('x1') == 'x1'


def _record(sid, name):
    return PoseRecord(
        name=name,
        source=name,
        keypoint=np.ones((1, 2, 17, 2), np.float32),
        fields=gait_fields(sid, 'nm-01', '000'))


def testsplit_by_subject_labels():
    records = [
        _record(sid, f's{sid}') for sid in ('009', '004', '000', '012', '006')
    ]
    kept, split, dropped = split_by_subject(records, IdRanges('0-5'),
                                            IdRanges('6-9'))
    labels = {r.name: r.label for r in kept}
    assert labels == {'s000': 0, 's004': 1, 's006': -1, 's009': -1}
    assert split == dict(train=['s000', 's004'], test=['s006', 's009'])
    assert dropped == 1  # subject 012
    with pytest.raises(ConversionError, match="subject 'ab'"):
        split_by_subject([_record('ab', 'x')], IdRanges('0-5'),
                         IdRanges('6-9'))
    with pytest.raises(ConversionError, match='no sequence has a subject'):
        split_by_subject(records, IdRanges('20-30'), IdRanges('40'))


def test_convert_gait_options(tmp_path):
    src = _write_csv(tmp_path / 'a.csv', _csv_rows())
    with pytest.raises(ConversionError, match='unknown format'):
        convert_gait(src, 'csv')
    with pytest.raises(ConversionError, match='needs a pattern'):
        convert_gait(src, 'gaitgraph-csv', pattern=PSYMO)
    with pytest.raises(ConversionError, match='img_shape'):
        convert_gait(src, 'gaitgraph-csv', img_shape=(0, 10))
    with pytest.raises(ConversionError, match='overlap'):
        convert_gait(
            src, 'gaitgraph-csv', train_subjects='0-6', test_subjects='6-9')
    result = convert_gait(src, 'gaitgraph-csv', img_shape=(480, 640))
    assert result.data['annotations'][0]['img_shape'] == (480, 640)


# ----------------------------------------------------------------------------
# Command line


def _tool():
    """The CLI module, loaded in-process (faster than a subprocess)."""
    return load_tool(TOOL)


def test_cli_end_to_end(tmp_path, capsys):
    _psymo_tree(tmp_path / 'psymo')
    out = tmp_path / 'out' / 'psymo.pkl'
    _tool().main([
        str(tmp_path / 'psymo'),
        str(out), '--format', 'folder', '--pattern', PSYMO,
        '--train-subjects', '0-2', '--test-subjects', '3'
    ])
    stdout = capsys.readouterr().out
    # 4 frames (3-6) per walk, frame 5 missing
    assert ('48 samples (3 labels), 192 frames (4-4 per sample), persons '
            '{1: 48}, 48 empty frames') in stdout
    assert "subjects {'train': 3, 'test': 1}" in stdout
    assert ('48 missing frames, 1 multi person frames, 1 multi person '
            'sequences, 1 unmatched files, 0 outside split') in stdout
    assert '0 skipped' in stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert len(data['split']['train']) == 36
    assert len(data['split']['test']) == 12
    assert {a['label'] for a in data['annotations']} == {-1, 0, 1, 2}


def test_cli_errors(tmp_path):
    _psymo_tree(tmp_path)
    _write_json(tmp_path / '1', '001_00_0_0_nm.json', '{broken')
    out = tmp_path / 'x.pkl'
    with pytest.raises(SystemExit) as info:
        _tool().main(
            [str(tmp_path),
             str(out), '--format', 'folder', '--pattern', PSYMO])
    message = str(info.value.code)
    assert message.startswith('error: ' + str(tmp_path / '1' / '001_00_0_0'))
    assert 'nothing written' in message and not out.exists()


def test_cli_refuses_existing_output_without_overwrite(tmp_path, capsys):
    src = _write_csv(tmp_path / 'a.csv', _csv_rows())
    out = tmp_path / 'casia.pkl'
    data = run_refusing_then_overwriting(
        _tool().main, [src, str(out), '--format', 'gaitgraph-csv'], out,
        capsys)
    assert len(data['annotations']) == 5


def test_cli_in_process(tmp_path, capsys):
    tool = _tool()
    out = tmp_path / 'casia.pkl'
    tool.main([
        _write_csv(tmp_path / 'a.csv', _csv_rows()),
        str(out), '--format', 'gaitgraph-csv'
    ])  # CASIA-B default ranges
    assert "splits {'train': 3, 'test': 2}" in capsys.readouterr().out
    assert out.exists()
    with pytest.raises(SystemExit) as info:
        tool.main([str(tmp_path), str(out), '--format', 'folder'])
    assert info.value.code == 2
    assert '--pattern is required' in capsys.readouterr().err
    with pytest.raises(SystemExit, match='overlap'):
        tool.main([
            str(tmp_path / 'a.csv'),
            str(out), '--format', 'gaitgraph-csv', '--test-subjects', '70-124',
            '--overwrite'
        ])
