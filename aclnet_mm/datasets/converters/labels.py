"""Labels from label files: class names, ``filename,label`` CSVs, regexes,
and the label maps of Kinetics-Skeleton."""
import csv
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

from .errors import BadSampleError, ConversionError
from .readers.kinetics_json import is_label_table

LabelMap = Tuple[str, Dict[str, int]]
"""``('video', {video_id: label})`` or ``('name', {class_name: label})``."""


def load_class_names(path: str) -> List[str]:
    """Read class names, one per line (blank lines ignored).

    Args:
        path (str): The file.

    Returns:
        list[str]: The names; a name's label is its index.

    Raises:
        ConversionError: If the file has no name or a repeated one.
    """
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        raise ConversionError(f'{path}: no class name')
    if len(set(names)) != len(names):
        raise ConversionError(f'{path}: a class name appears twice')
    return names


def load_labels_csv(path: str) -> Dict[str, Tuple[int, str]]:
    """Read a ``filename,label`` CSV (an optional header row is skipped).

    Args:
        path (str): The CSV file.

    Returns:
        dict[str, tuple[int, str]]: File name -> (line number, raw label).

    Raises:
        ConversionError: On a row that is not two fields or a file listed
            twice.
    """
    labels: Dict[str, Tuple[int, str]] = {}
    with open(path, encoding='utf-8', newline='') as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            row = [x.strip() for x in row]
            if not any(row):
                continue
            if lineno == 1 and [x.lower()
                                for x in row] == ['filename', 'label']:
                continue
            if len(row) != 2 or not all(row):
                raise ConversionError(
                    f'{path}, line {lineno}: expected "filename,label", '
                    f'got {",".join(row)!r}')
            if row[0] in labels:
                raise ConversionError(
                    f'{path}, line {lineno}: {row[0]} is listed twice')
            labels[row[0]] = (lineno, row[1])
    if not labels:
        raise ConversionError(f'{path}: no label row')
    return labels


class LabelResolver:
    """Give each pose file its label, from a CSV or a file-name regex.

    Exactly one of ``labels_csv`` and ``label_pattern`` must be given. A
    raw label is an integer or, with ``class_names``, a class name.

    Args:
        labels_csv (str, optional): ``filename,label`` CSV; the file name
            may be given with or without ``.json``. Defaults to None.
        label_pattern (str, optional): Regex searched in the file name with
            a named group ``label``, e.g. ``r'^(?P<label>\\d{3})_'``.
            Defaults to None.
        class_names (str, optional): File of class names, one per line.
            Defaults to None.

    Raises:
        ConversionError: On a bad combination, regex, CSV or class file.
    """

    def __init__(self,
                 labels_csv: Optional[str] = None,
                 label_pattern: Optional[str] = None,
                 class_names: Optional[str] = None) -> None:
        if (labels_csv is None) == (label_pattern is None):
            raise ConversionError(
                'give exactly one of labels_csv and label_pattern')
        self.csv_file = labels_csv
        self.class_file = class_names
        self.names = None
        if class_names is not None:
            self.names = {
                n: i
                for i, n in enumerate(load_class_names(class_names))
            }
        self.table = None
        self.pattern = None
        if labels_csv is not None:
            self.table = load_labels_csv(labels_csv)
        else:
            try:
                self.pattern = re.compile(label_pattern)
            except re.error as err:
                raise ConversionError(
                    f'bad label pattern {label_pattern!r}: {err}') from None
            if 'label' not in self.pattern.groupindex:
                raise ConversionError(
                    f'label pattern {label_pattern!r} has no (?P<label>...) '
                    'group')

    def _parse(self, path: str, raw: str, where: str) -> int:
        if re.fullmatch(r'\d+', raw):
            label = int(raw)
            if self.names is not None and label >= len(self.names):
                raise BadSampleError(
                    path, f'unknown label {label} ({where}): '
                    f'{self.class_file} has {len(self.names)} classes',
                    kind='label')
            return label
        if self.names is not None and raw in self.names:
            return self.names[raw]
        hint = (f'not a class of {self.class_file}' if self.names is not None
                else 'not an integer (pass class names to map names)')
        raise BadSampleError(
            path, f'unknown label {raw!r} ({where}): {hint}', kind='label')

    def __call__(self, path: str) -> int:
        """Return the label of ``path``.

        Raises:
            BadSampleError: If the file has no label or an unknown one.
        """
        name = osp.basename(path)
        if self.table is not None:
            key = name if name in self.table else osp.splitext(name)[0]
            if key not in self.table:
                raise BadSampleError(
                    path,
                    f'unknown label: {name} is not in {self.csv_file}',
                    kind='label')
            lineno, raw = self.table[key]
            return self._parse(path, raw, f'{self.csv_file}, line {lineno}')
        match = self.pattern.search(name)
        if match is None or match.group('label') is None:
            raise BadSampleError(
                path, f'unknown label: the file name does not match the '
                f'label pattern {self.pattern.pattern!r}',
                kind='label')
        return self._parse(path, match.group('label'), 'from the file name')


def load_label_map(path: str) -> LabelMap:
    """Read a label map.

    Two forms are accepted:

    - ``.json``: an ST-GCN label table ``{video_id: {"label_index": int,
      ...}}``; labels are looked up by video ID.
    - anything else: class names, one per line (blank lines ignored), the
      label being the line's index (e.g. MMAction2's
      ``label_map_k400.txt``); labels are looked up by the clip's
      ``"label"`` name.

    Args:
        path (str): The label map file.

    Returns:
        tuple[str, dict[str, int]]: ``('video', {video_id: label})`` or
        ``('name', {class_name: label})``.

    Raises:
        ConversionError: If the file is not one of the two forms.
    """
    if path.endswith('.json'):
        try:
            with open(path, encoding='utf-8') as f:
                table = json.load(f)
        except json.JSONDecodeError as err:
            raise ConversionError(
                f'{path}, line {err.lineno}: invalid JSON: {err.msg}') \
                from None
        if not is_label_table(table):
            raise ConversionError(
                f'{path}: expected {{video_id: {{"label_index": int}}}}')
        labels = {}
        for video_id, entry in table.items():
            label = entry['label_index']
            if isinstance(label, int) and not isinstance(label, bool) \
                    and label >= 0:
                labels[video_id] = label
        return 'video', labels
    names = load_class_names(path)
    return 'name', {name: i for i, name in enumerate(names)}


def kinetics_label(path: str, ids: Dict[str, object],
                   label_map: Optional[LabelMap],
                   label_map_file: Optional[str]) -> int:
    """The label of one Kinetics-Skeleton clip.

    Args:
        path (str): The clip's file (its stem is the video ID).
        ids (dict): The record's ``label_index`` and ``label``.
        label_map (tuple, optional): From :func:`load_label_map`; None uses
            the clip's ``label_index``.
        label_map_file (str, optional): Its file, for messages.

    Raises:
        BadSampleError: (kind ``'label'``) For an unknown label.
    """
    video_id = osp.splitext(osp.basename(path))[0]
    if label_map is None:
        label = ids.get('label_index')
        if not isinstance(label, int) or isinstance(label, bool) or label < 0:
            raise BadSampleError(
                path, f'unknown label: "label_index" is {label!r}, '
                'expected an integer >= 0',
                kind='label')
        return label
    kind, table = label_map
    if kind == 'video':
        if video_id not in table:
            raise BadSampleError(
                path, f'unknown label: video {video_id!r} has no label in '
                f'{label_map_file}',
                kind='label')
        return table[video_id]
    name = ids.get('label')
    if name not in table:
        raise BadSampleError(
            path,
            f'unknown label {name!r}: not a class of {label_map_file}',
            kind='label')
    return table[name]
