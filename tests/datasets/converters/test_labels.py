"""The one label resolver: every lookup, the same mapping rule."""
import json

import pytest

from aclnet_mm.datasets.converters.errors import (BadSampleError,
                                                  ConversionError)
from aclnet_mm.datasets.converters.labels import (LabelResolver,
                                                  load_class_names)


def _write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture
def names(tmp_path):
    path = tmp_path / 'classes.txt'
    path.write_text('walk\n\nrun\njump\n')
    return str(path)


def test_class_names_errors(tmp_path):
    assert load_class_names(str(_write(tmp_path, 'a.txt', 'x\n y \n'))) == [
        'x', 'y'
    ]
    for text, message in (('\n\n', 'no class name'),
                          ('a\nb\na\n', 'appears twice')):
        with pytest.raises(ConversionError, match=message):
            load_class_names(str(_write(tmp_path, 'b.txt', text)))
    with pytest.raises(ConversionError, match='cannot be read'):
        load_class_names(str(tmp_path / 'missing.txt'))


def test_csv_with_and_without_extension(tmp_path, names):
    csv = _write(tmp_path, 'l.csv', 'filename,label\na.json,2\nb,run\n')
    resolve = LabelResolver.from_label_files(
        labels_csv=str(csv), class_names=names)
    assert resolve('/x/a.json') == 2
    assert resolve('/x/b.json') == 1
    with pytest.raises(BadSampleError, match='c.json is not in') as info:
        resolve('/x/c.json')
    assert info.value.kind == 'label'


def test_pattern_and_mapping_rule(names):
    resolve = LabelResolver.from_label_files(
        label_pattern=r'^(?P<label>[a-z0-9]+)_', class_names=names)
    assert resolve('jump_01.json') == 2
    assert resolve('0_01.json') == 0
    with pytest.raises(BadSampleError, match=r'unknown label 3 .* 3 classes'):
        resolve('3_01.json')
    with pytest.raises(BadSampleError, match='not a class of'):
        resolve('swim_01.json')
    with pytest.raises(BadSampleError, match='does not match'):
        resolve('nolabel.json')
    plain = LabelResolver.from_label_files(label_pattern=r'^(?P<label>\w+)_')
    with pytest.raises(BadSampleError, match='expected an integer'):
        plain('walk_01.json')


def test_bad_options(tmp_path):
    with pytest.raises(ConversionError, match='exactly one'):
        LabelResolver.from_label_files()
    with pytest.raises(ConversionError, match='no .*label.* group'):
        LabelResolver.from_label_files(label_pattern=r'^(\d+)_')
    with pytest.raises(ConversionError, match='line 2'):
        LabelResolver.from_label_files(
            labels_csv=str(_write(tmp_path, 'l.csv', 'a,1\nb\n')))


def test_kinetics_maps(tmp_path, names):
    by_index = LabelResolver.from_kinetics_map()
    assert by_index('v.json', dict(label_index=4, label='run')) == 4
    for bad in (None, -1, True, 1.5):
        with pytest.raises(BadSampleError, match='label_index'):
            by_index('v.json', dict(label_index=bad))
    by_name = LabelResolver.from_kinetics_map(names)
    assert by_name('v.json', dict(label_index=9, label='run')) == 1
    with pytest.raises(BadSampleError, match='not a class'):
        by_name('v.json', dict(label=['run']))
    table = _write(tmp_path, 't.json',
                   json.dumps(dict(v=dict(label_index=7, has_skeleton=True))))
    by_video = LabelResolver.from_kinetics_map(str(table))
    assert by_video('/d/v.json', dict(label_index=1)) == 7
    with pytest.raises(BadSampleError, match="video 'w' has no label"):
        by_video('/d/w.json', {})
