"""Reader of GaitGraph's CASIA-B pose CSV (``casia-b_pose_coco.csv``).

A header ``image_name,nose_x,nose_y,nose_conf,...`` (17 COCO joints x (x,
y, conf)) and one row per detected frame, ``image_name`` being
``<dir>/<sid>-<cond>-<seq>-<view>/<frame>.jpg``. Rows may come in any
order. Decisions:

- One record per sequence, named ``<sid>-<cond>-<seq>-<view>`` (the CASIA-B
  video name), one person: of several rows for one frame the one with the
  highest mean confidence is kept (counted as ``multi_person_frames``).
- The sequence runs from its first to its last frame; frames missing in
  between are zeros (score 0), counted as ``missing_frames``.
- A bad row (wrong column count, non-number) makes its whole sequence a
  bad sample naming the file and line; a row whose name does not parse
  is a bad sample of its own.
"""
import csv
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple, Union

import numpy as np

from ....layouts.coco import COCO_JOINT_NAMES
from ..errors import BadSampleError, ConversionError
from ..identifiers import gait_fields
from ..record import Detection, PoseRecord, stack_detections

NUM_JOINTS = len(COCO_JOINT_NAMES)

#: Header of a GaitGraph CSV.
GAITGRAPH_CSV_HEADER = ('image_name', ) + tuple(f'{name}_{c}'
                                                for name in COCO_JOINT_NAMES
                                                for c in ('x', 'y', 'conf'))

_NAME = re.compile(r'(?:^|/)(?P<subject>\d+)-(?P<condition>[a-z]+)-'
                   r'(?P<seq>\d+)-(?P<view>\d+)/(?P<frame>\d+)\.[A-Za-z]+$')


def _check_header(path: str, header: Optional[List[str]]) -> None:
    if header is None:
        raise ConversionError(f'{path} is empty')
    header = [h.strip() for h in header]
    if len(header) != len(GAITGRAPH_CSV_HEADER) or header[0] != 'image_name':
        raise ConversionError(
            f'{path}, line 1: not a GaitGraph CSV header (expected '
            f'"image_name" and {3 * NUM_JOINTS} columns '
            f'{GAITGRAPH_CSV_HEADER[1]},...,{GAITGRAPH_CSV_HEADER[-1]}; got '
            f'{len(header)} columns starting {header[0]!r})')


def _row_values(row: List[str]) -> np.ndarray:
    if len(row) != len(GAITGRAPH_CSV_HEADER):
        raise ValueError(f'{len(row) - 1} values, expected '
                         f'{3 * NUM_JOINTS} (17 x (x, y, conf))')
    return np.array([float(v) for v in row[1:]],
                    dtype=np.float32).reshape(NUM_JOINTS, 3)


def read_gaitgraph_csv(path: str, img_shape: Tuple[int, int]
                       ) -> List[Union[PoseRecord, BadSampleError]]:
    """Read every sequence of a GaitGraph CSV.

    Args:
        path (str): The CSV file.
        img_shape (tuple[int, int]): ``(h, w)`` of the videos.

    Returns:
        list[PoseRecord | BadSampleError]: One record per sequence (sorted
        by subject, condition, view) and one error per bad row or bad
        sequence, for the assembly's policy.

    Raises:
        ConversionError: If the file is missing, empty or has no GaitGraph
            header.
        BadSampleError: If the file is not readable CSV text.
    """
    if not osp.isfile(path):
        raise ConversionError(f'{path} is not a file')
    sequences: Dict[Tuple[str, str, str], Dict[int, list]] = {}
    bad = set()
    results: List[Union[PoseRecord, BadSampleError]] = []
    with open(path, encoding='utf-8', newline='') as f:
        reader = csv.reader(f)
        try:
            _check_header(path, next(reader, None))
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                name = row[0].strip().replace('\\', '/')
                match = _NAME.search(name)
                if match is None:
                    results.append(
                        BadSampleError(
                            path, f'image_name {name!r} is not '
                            '"<dir>/<sid>-<cond>-<seq>-<view>/<frame>.jpg"',
                            line=reader.line_num))
                    continue
                key = (match.group('subject'), match.group('condition') +
                       f'-{int(match.group("seq")):02d}', match.group('view'))
                if key in bad:
                    continue
                try:
                    values = _row_values(row)
                except ValueError as err:
                    results.append(
                        BadSampleError(
                            path,
                            f'sequence {"-".join(key)}: {err}',
                            line=reader.line_num))
                    bad.add(key)
                    sequences.pop(key, None)
                    continue
                score = float(values[:, 2].sum()) / NUM_JOINTS
                frames = sequences.setdefault(key, {})
                frames.setdefault(int(match.group('frame')), []).append(
                    Detection(score, None, values[:, :2], values[:, 2]))
        except (csv.Error, UnicodeDecodeError) as err:
            raise BadSampleError(
                path, f'unreadable CSV: {err}', line=reader.line_num) from None
    for key in sorted(sequences):
        keypoint, score, counts = stack_detections(sequences[key], 1)
        fields = gait_fields(*key)
        results.append(
            PoseRecord(
                name='-'.join(fields.values()),
                source=path,
                keypoint=keypoint,
                keypoint_score=score,
                img_shape=tuple(img_shape),
                fields=fields,
                counts=counts))
    return results
