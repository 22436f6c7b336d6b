
import numpy as np
import pytest

from aclnet_mm.datasets.converters import (BadSampleError, ConversionError,
                                           ConversionResult, PoseRecord,
                                           format_summary)
from aclnet_mm.datasets.converters.assembly import (BadInputPolicy,
                                                    RecordChecks,
                                                    collect_records, finish)
from aclnet_mm.datasets.converters.source_files import to_float_array
from aclnet_mm.datasets.converters.splits import read_splits_file
from aclnet_mm.datasets.converters.summary import count_empty_frames


def _record(name, shape=(1, 3, 17, 2), **kwargs):
    keypoint = np.ones(shape, np.float32)
    return PoseRecord(name=name, source=f'{name}.json', keypoint=keypoint,
                      **kwargs)


def _non_finite(name):
    record = _record(name)
    record.keypoint[0, 1, 4, 1] = np.nan
    return record


def _outside(name):
    record = _record(name, img_shape=(10, 20))
    record.keypoint[0, 2, 3] = (31., 5.)  # x = 1.55 w, beyond the margin
    return record


def _raise(kind):

    def read(name):
        raise BadSampleError(f'{name}.json', f'bad {kind}', kind=kind)

    return read


#: kind: (how a bad sample of that kind is read, what its message says)
CASES = {
    'unreadable': (_raise('unreadable'), 'bad unreadable'),
    'empty': (_raise('empty'), 'bad empty'),
    'label': (_raise('label'), 'bad label'),
    'non-finite':
    (_non_finite, 'has 1 non-finite keypoint values (first at person 0, '
     'frame index 1, joint 4)'),
    'joints': (lambda n: _record(n, (1, 3, 16, 2)), 'has 16 joints'),
    'channels': (lambda n: _record(n, (1, 3, 17, 3)), '3 coordinates'),
    'persons': (lambda n: _record(n, (3, 3, 17, 2)),
                '3 persons, at most 2 expected'),
    'range': (_outside, '1 joints far outside the 20x10 image (first: '
              'person 0, frame index 2, joint 3 at normalised (1.55, 0.5); '
              'accepted: [-0.5, 1.5])'),
    'img_shape': (lambda n: _record(n, img_shape=(0, 5)),
                  'image shape (0, 5) is not two positive integers'),
}


def _convert(bad_names, kind, skip_bad):
    """Sources ``good0``, then the bad ones, then ``good1``."""
    read_bad = CASES[kind][0]

    def read(name):
        if name.startswith('good'):
            return _record(name, img_shape=(10, 20))
        return read_bad(name)

    policy = BadInputPolicy(skip_bad)
    checks = RecordChecks(17, 2, max_person=2, image_margin=0.5)
    records = collect_records(['good0', *bad_names, 'good1'], read, checks,
                              policy)
    return finish(records, dict(all=[r.name for r in records]), policy)


@pytest.mark.parametrize('kind', sorted(CASES))
def test_bad_kind_is_an_error_by_default(kind, warnings):
    with pytest.raises(BadSampleError) as info:
        _convert(['bad0', 'bad1'], kind, skip_bad=False)
    err = info.value
    assert err.kind == kind
    assert err.path == 'bad0.json'  # the first bad sample stops the run
    assert str(err).startswith('bad0.json')
    assert CASES[kind][1] in str(err)
    assert not [m for m in warnings if '--skip-bad' in m]


@pytest.mark.parametrize('kind', sorted(CASES))
def test_bad_kind_skipped_with_one_warning(kind, warnings):
    result = _convert(['bad0', 'bad1', 'bad2'], kind, skip_bad=True)
    assert [a['frame_dir'] for a in result.data['annotations']] == [
        'good0', 'good1'
    ]
    assert result.data['split'] == dict(all=['good0', 'good1'])
    assert [e.path for e in result.skipped] == [
        'bad0.json', 'bad1.json', 'bad2.json'
    ]
    summary = result.summary()
    assert summary['skipped'] == 3
    assert summary['skipped_by_kind'] == {kind: 3}
    skip_warnings = [m for m in warnings if '--skip-bad' in m]
    assert len(skip_warnings) == 1
    assert skip_warnings[0].startswith(
        f'--skip-bad: skipped 3 {kind} sample(s), e.g. bad0.json')


def test_mixed_kinds_one_warning_each_most_frequent_first(warnings):
    reads = dict(
        a=CASES['empty'][0],
        b=CASES['non-finite'][0],
        c=CASES['empty'][0],
        d=CASES['range'][0],
        e=CASES['empty'][0],
        f=CASES['non-finite'][0])

    def read(name):
        return reads[name](name) if name in reads else _record(name)

    policy = BadInputPolicy(skip_bad=True)
    records = collect_records(['a', 'b', 'good', 'c', 'd', 'e', 'f'], read,
                              RecordChecks(17, 2, image_margin=0.5), policy)
    assert [r.name for r in records] == ['good']
    result = finish(records, dict(all=['good']), policy)
    assert result.summary()['skipped_by_kind'] == {
        'empty': 3,
        'non-finite': 2,
        'range': 1
    }
    assert list(result.summary()['skipped_by_kind']) == [
        'empty', 'non-finite', 'range'
    ]
    skip_warnings = [m for m in warnings if '--skip-bad' in m]
    assert [m.split(', e.g. ')[0] for m in skip_warnings] == [
        '--skip-bad: skipped 3 empty sample(s)',
        '--skip-bad: skipped 2 non-finite sample(s)',
        '--skip-bad: skipped 1 range sample(s)'
    ]
    assert [m.split(', e.g. ')[1][:6] for m in skip_warnings] == [
        'a.json', 'b.json', 'd.json'
    ]


def test_reader_may_return_several_results_or_none():
    policy = BadInputPolicy(skip_bad=True)

    def read(name):
        if name == 'table':
            return None  # not a sample: neither kept nor skipped
        return [
            _record(name + '_0'),
            BadSampleError(name, 'bad row', line=3),
            _record(name + '_1', (1, 3, 5, 2))
        ]

    records = collect_records(['f', 'table'], read, RecordChecks(17, 2),
                              policy)
    assert [r.name for r in records] == ['f_0']
    assert [e.kind for e in policy.skipped] == ['unreadable', 'joints']
    assert policy.by_kind() == dict(unreadable=1, joints=1)


def test_nothing_left_is_a_conversion_error(warnings):
    with pytest.raises(ConversionError) as info:
        collect_records(['a', 'b'], CASES['empty'][0], RecordChecks(17, 2),
                        BadInputPolicy(skip_bad=True))
    assert str(info.value) == ('no sample could be converted (2 skipped: 2 '
                               'empty)')
    assert len([m for m in warnings if '--skip-bad' in m]) == 1
    with pytest.raises(ConversionError, match=r'\(0 skipped\)'):
        collect_records(['a'], lambda name: None, RecordChecks(17, 2),
                        BadInputPolicy())


def test_duplicate_names_are_a_conversion_error():
    with pytest.raises(ConversionError, match="both give the sample name 'x'"):
        collect_records(['a', 'b'], lambda name: _record('x'),
                        RecordChecks(17, 2), BadInputPolicy(skip_bad=True))


def test_checks_pass_good_records_and_find_bad_scores():
    checks = RecordChecks(17, 2, max_person=2, image_margin=0.5)
    record = _record('a', (2, 3, 17, 2), img_shape=(10, 20))
    record.keypoint[..., 0] = 30.  # on the borders of the margin: inside
    record.keypoint[..., 1] = -5.
    assert checks.problem(record) is None
    record.keypoint[1, 2, 16, 1] = -5.01
    problem = checks.problem(record)
    assert problem.kind == 'range'
    assert 'person 1, frame index 2, joint 16' in problem.reason
    scored = _record('a', keypoint_score=np.ones((1, 3, 17), np.float32))
    scored.keypoint_score[0, 2, 16] = np.inf
    problem = RecordChecks(17, 2).problem(scored)
    assert problem.kind == 'non-finite'
    assert '(first at person 0, frame index 2, joint 16)' in str(problem)
    # image_margin=None: coordinates are not range-checked
    assert RecordChecks(17, 2).problem(_outside('a')) is None


def test_finish_adds_reader_and_converter_counts():
    records = [
        _record('a', counts=dict(missing_frames=2, multi_person_frames=1)),
        _record('b', counts=dict(missing_frames=3))
    ]
    result = finish(records, dict(all=['a', 'b']), BadInputPolicy(),
                    dict(outside_split=4))
    assert result.counts == dict(
        missing_frames=5, multi_person_frames=1, outside_split=4)


# ----------------------------------------------------------------------------
# The summary


def _anno(name, frames, persons=1, label=0, **fields):
    keypoint = np.ones((persons, frames, 17, 2), np.float32)
    return dict(
        frame_dir=name,
        label=label,
        total_frames=frames,
        keypoint=keypoint,
        **fields)


def test_summary_counts():
    annos = [
        _anno('a', 4, label=0, subject_id='001', role='train'),
        _anno('b', 2, persons=2, label=1, subject_id='002', role='train'),
        _anno('c', 6, label=-1, subject_id='001', role='probe'),
    ]
    annos[0]['keypoint'][:, 1:3] = 0  # two empty frames
    annos[1]['keypoint'][0, 0] = 0  # one person left: not empty
    result = ConversionResult(
        dict(split=dict(train=['a', 'b'], probe=['c']), annotations=annos),
        [BadSampleError('x', 'r', kind='empty')] * 2 +
        [BadSampleError('y', 'r')], dict(missing_frames=7))
    summary = result.summary()
    assert summary == dict(
        samples=3,
        frames=12,
        min_frames=2,
        max_frames=6,
        persons={
            1: 2,
            2: 1
        },
        empty_frames=2,
        labels=2,
        splits=dict(train=2, probe=1),
        skipped=3,
        skipped_by_kind=dict(empty=2, unreadable=1),
        subjects=dict(train=2, probe=1),
        roles=dict(probe=1, train=2),
        missing_frames=7)
    assert format_summary(summary) == (
        '3 samples (2 labels), 12 frames (2-6 per sample), persons '
        '{1: 2, 2: 1}, 2 empty frames\n'
        "splits {'train': 2, 'probe': 1}, subjects {'train': 2, 'probe': 1}"
        "\nroles {'probe': 1, 'train': 2}\n"
        '7 missing frames\n'
        "3 skipped {'empty': 2, 'unreadable': 1}")


def test_count_empty_frames():
    kp = np.ones((2, 5, 3, 2), dtype=np.float32)
    kp[:, 1] = 0
    kp[0, 3] = 0  # one person still present
    assert count_empty_frames(kp) == 1


# ----------------------------------------------------------------------------
# Errors, decoding, split files


def test_bad_sample_error_names_location():
    assert str(BadSampleError('a.txt', 'bad', line=3)) == 'a.txt, line 3: bad'
    assert str(BadSampleError('a.json', 'bad', frame=7)) == \
        'a.json, frame 7: bad'
    err = BadSampleError('a.json', 'bad')
    assert str(err) == 'a.json: bad' and isinstance(err, ValueError)
    assert err.kind == 'unreadable'
    assert BadSampleError('a', 'bad', kind='empty').kind == 'empty'


def test_to_float_array():
    np.testing.assert_array_equal(
        to_float_array([1, 2, 3, 4], (2, 2), 'x'), [[1, 2], [3, 4]])
    for values, match in [([1, 2, 3], 'expected'), ([1, 'a', 3, 4], 'non'),
                          ([[1, 2], [3]], 'regular'),
                          ([[1, 2, 3, 4]], 'shape'), ([1, None, 3, 4], 'non'),
                          (5, 'not a list'), ([True, 2, 3, 4], 'non')]:
        with pytest.raises(ValueError, match=match):
            to_float_array(values, (2, 2), 'x')
    # non-finite values pass: the assembly checks them
    array = to_float_array([1, float('nan'), 3, float('inf')], (2, 2), 'x')
    assert np.isnan(array[0, 1]) and np.isinf(array[1, 1])


def test_read_splits_file(tmp_path):
    path = tmp_path / 'splits.txt'
    path.write_text('# comment\ntrain a\n\nval b.json\ntrain c\n')
    assert read_splits_file(str(path)) == dict(
        train=['a', 'c'], val=['b.json'])
