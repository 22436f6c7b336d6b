"""Labels from label files: one resolver for the COCO-17 JSON and
Kinetics-Skeleton converters."""
import csv
import json
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Tuple

from .errors import BadSampleError, ConversionError
from .readers.kinetics_json import is_label_table

Lookup = Callable[[str, Dict[str, object]], Tuple[object, str]]
"""``(path, ids) -> (raw label, where it was found)``; raises a
:class:`~.errors.BadSampleError` (kind ``'label'``) if there is none."""


def load_class_names(path: str) -> List[str]:
    """Read class names, one per line (blank lines ignored).

    Raises:
        ConversionError: If the file cannot be read, has no name or a
            repeated one.
    """
    try:
        with open(path, encoding='utf-8') as f:
            names = [line.strip() for line in f if line.strip()]
    except (OSError, UnicodeDecodeError) as err:
        raise ConversionError(f'{path}: cannot be read ({err})') from None
    if not names:
        raise ConversionError(f'{path}: no class name')
    if len(set(names)) != len(names):
        raise ConversionError(f'{path}: a class name appears twice')
    return names


def _missing(path: str, reason: str) -> BadSampleError:
    return BadSampleError(path, f'unknown label: {reason}', kind='label')


def _csv_lookup(labels_csv: str) -> Lookup:
    """Rows ``filename,label`` (optional header); the file name may be
    given with or without ``.json``."""
    table: Dict[str, Tuple[str, str]] = {}
    with open(labels_csv, encoding='utf-8', newline='') as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            row = [x.strip() for x in row]
            header = lineno == 1 and ','.join(row).lower() == 'filename,label'
            if not any(row) or header:
                continue
            if len(row) != 2 or not all(row):
                raise ConversionError(
                    f'{labels_csv}, line {lineno}: expected '
                    f'"filename,label", got {",".join(row)!r}')
            if row[0] in table:
                raise ConversionError(
                    f'{labels_csv}, line {lineno}: {row[0]} is listed twice')
            table[row[0]] = (row[1], f'{labels_csv}, line {lineno}')
    if not table:
        raise ConversionError(f'{labels_csv}: no label row')

    def lookup(path, ids):
        name = osp.basename(path)
        key = name if name in table else osp.splitext(name)[0]
        if key not in table:
            raise _missing(path, f'{name} is not in {labels_csv}')
        return table[key]

    return lookup


def _pattern_lookup(label_pattern: str) -> Lookup:
    """A regex searched in the file name, with a named group ``label``."""
    try:
        pattern = re.compile(label_pattern)
    except re.error as err:
        raise ConversionError(
            f'bad label pattern {label_pattern!r}: {err}') from None
    if 'label' not in pattern.groupindex:
        raise ConversionError(f'label pattern {label_pattern!r} has no '
                              '(?P<label>...) group')

    def lookup(path, ids):
        match = pattern.search(osp.basename(path))
        if match is None or match.group('label') is None:
            raise _missing(
                path, 'the file name does not match the label pattern '
                f'{label_pattern!r}')
        return match.group('label'), 'from the file name'

    return lookup


def _table_lookup(table_file: str) -> Lookup:
    """ST-GCN's ``{video_id: {"label_index": int, ...}}``, by file stem."""
    try:
        with open(table_file, encoding='utf-8') as f:
            table = json.load(f)
    except json.JSONDecodeError as err:
        raise ConversionError(f'{table_file}, line {err.lineno}: invalid '
                              f'JSON: {err.msg}') from None
    if not is_label_table(table):
        raise ConversionError(
            f'{table_file}: expected {{video_id: {{"label_index": int}}}}')

    def lookup(path, ids):
        video_id = osp.splitext(osp.basename(path))[0]
        if video_id not in table:
            raise _missing(path,
                           f'video {video_id!r} has no label in {table_file}')
        return table[video_id]['label_index'], table_file

    return lookup


def _field_lookup(key: str) -> Lookup:
    """A field the reader took from the sample (``record.ids``)."""
    return lambda path, ids: (ids.get(key), f'{key!r} of the sample')


class LabelResolver:
    """Give each sample its label: find the raw label (a CSV row, a
    file-name regex, a label table, a field of the sample), then map it the
    same way every time: an integer, or an all-digit string, is the index;
    any other string is looked up in the class names.

    Args:
        lookup (Lookup): Where the raw label is (see the ``from_*``
            constructors).
        class_names (str, optional): File of class names, one per line;
            None accepts integer labels only. Defaults to None.
    """

    def __init__(self,
                 lookup: Lookup,
                 class_names: Optional[str] = None) -> None:
        self.lookup = lookup
        self.class_file = class_names
        self.names = None if class_names is None else {
            n: i
            for i, n in enumerate(load_class_names(class_names))
        }

    @classmethod
    def from_label_files(cls,
                         labels_csv: Optional[str] = None,
                         label_pattern: Optional[str] = None,
                         class_names: Optional[str] = None) -> 'LabelResolver':
        """Labels from exactly one of a ``filename,label`` CSV and a
        file-name regex with a named group ``label`` (e.g.
        ``r'^(?P<label>\\d{3})_'``), names mapped by ``class_names``."""
        if (labels_csv is None) == (label_pattern is None):
            raise ConversionError(
                'give exactly one of labels_csv and label_pattern')
        lookup = (
            _csv_lookup(labels_csv)
            if labels_csv is not None else _pattern_lookup(label_pattern))
        return cls(lookup, class_names)

    @classmethod
    def from_kinetics_map(cls,
                          label_map_file: Optional[str] = None
                          ) -> 'LabelResolver':
        """Kinetics-Skeleton labels: the clip's ``label_index`` (None);
        a ``.json`` label table, by video ID; or class names, one per
        line (e.g. MMAction2's ``label_map_k400.txt``), by the clip's
        ``label``."""
        if label_map_file is None:
            return cls(_field_lookup('label_index'))
        if label_map_file.endswith('.json'):
            return cls(_table_lookup(label_map_file))
        return cls(_field_lookup('label'), label_map_file)

    def __call__(self, path: str, ids: Optional[Dict] = None) -> int:
        """The label of the sample read from ``path`` (with its ``ids``).

        Raises:
            BadSampleError: (kind ``'label'``) If it has no label or an
                unknown one.
        """
        raw, where = self.lookup(path, ids or {})
        if isinstance(raw, str) and re.fullmatch(r'\d+', raw):
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            if self.names is not None and raw >= len(self.names):
                raise BadSampleError(
                    path, f'unknown label {raw} ({where}): '
                    f'{self.class_file} has {len(self.names)} classes',
                    kind='label')
            return raw
        if self.names is not None and isinstance(raw, str) \
                and raw in self.names:
            return self.names[raw]
        hint = (f'not a class of {self.class_file}' if self.names is not None
                else 'expected an integer >= 0 (or pass class names)')
        raise BadSampleError(
            path, f'unknown label {raw!r} ({where}): {hint}', kind='label')
