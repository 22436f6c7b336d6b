import os
import pickle

import numpy as np
import pytest

from aclnet_mm.datasets.converters import (BadSampleError, SkipCounter,
                                           dump_pickle_atomic)
from aclnet_mm.datasets.converters.common import (count_empty_frames,
                                                  read_splits_file,
                                                  to_float_array)


def test_bad_sample_error_names_location():
    assert str(BadSampleError('a.txt', 'bad', line=3)) == 'a.txt, line 3: bad'
    assert str(BadSampleError('a.json', 'bad', frame=7)) == \
        'a.json, frame 7: bad'
    err = BadSampleError('a.json', 'bad')
    assert str(err) == 'a.json: bad' and isinstance(err, ValueError)


def test_skip_counter():
    with pytest.raises(BadSampleError):
        SkipCounter().add(BadSampleError('a', 'bad'))
    counter = SkipCounter(skip_bad=True)
    counter.add(BadSampleError('a', 'bad'))
    counter.add(BadSampleError('b', 'bad'))
    assert len(counter) == 2 and counter.paths == ['a', 'b']


def test_dump_pickle_atomic(tmp_path):
    out = tmp_path / 'sub' / 'data.pkl'
    dump_pickle_atomic(dict(a=1), str(out))
    with open(out, 'rb') as f:
        assert pickle.load(f) == dict(a=1)
    assert os.listdir(out.parent) == ['data.pkl']
    # A failing dump keeps the old file and leaves no temporary file.
    with pytest.raises(Exception):
        dump_pickle_atomic(dict(a=lambda: 0), str(out))
    with open(out, 'rb') as f:
        assert pickle.load(f) == dict(a=1)
    assert os.listdir(out.parent) == ['data.pkl']


def test_to_float_array():
    np.testing.assert_array_equal(
        to_float_array([1, 2, 3, 4], (2, 2), 'x'), [[1, 2], [3, 4]])
    for values, match in [([1, 2, 3], 'expected'), ([1, 'a', 3, 4], 'non'),
                          ([[1, 2], [3]], 'regular'), ([[1, 2, 3,
                                                         4]], 'shape'),
                          ([1, None, 3, 4], 'non'), (5, 'not a list'),
                          ([1, float('nan'), 3, 4], 'non-finite')]:
        with pytest.raises(ValueError, match=match):
            to_float_array(values, (2, 2), 'x')


def test_count_empty_frames():
    kp = np.ones((2, 5, 3, 2), dtype=np.float32)
    kp[:, 1] = 0
    kp[0, 3] = 0  # one person still present
    assert count_empty_frames(kp) == 1


def test_read_splits_file(tmp_path):
    path = tmp_path / 'splits.txt'
    path.write_text('# comment\ntrain a\n\nval b.json\ntrain c\n')
    assert read_splits_file(str(path)) == dict(
        train=['a', 'c'], val=['b.json'])
