"""The six converters: readers, a label and split rule, the assembly.

Arguments every converter shares: ``skip_bad`` (skip bad samples, one
warning per kind, instead of stopping at the first; default False),
``max_person`` (persons kept per sample) and ``img_shape`` (``(h, w)`` of
the videos). Each returns a :class:`~.summary.ConversionResult` (the pickle
content, the skips and the decision counts) and raises
:class:`~.errors.ConversionError` on bad options or when no sample is left,
:class:`~.errors.BadSampleError` on the first bad sample.
"""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

from ...layouts import LAYOUTS, SkeletonLayout, get_layout
from .assembly import BadInputPolicy, RecordChecks, collect_records, finish
from .errors import BadSampleError, ConversionError, warn
from .identifiers import FolderNameParser, IdRanges, label_by_subject
from .labels import LabelResolver
from .readers import (coco_json, gaitgraph_csv, kinetics_json, ntu_skeleton,
                      numpy_arrays, opengait_pkl, reid_npy)
from .record import PoseRecord
from .source_files import list_files
from .splits import ntu_splits, read_splits_file, resolve_splits, split_name
from .summary import ConversionResult

#: Classes of the NTU RGB+D datasets.
NTU_NUM_CLASSES = {'ntu60': 60, 'ntu120': 120}

#: The CASIA-B split (OpenGait's ``CASIA-B.json``): train 001-074, test
#: 075-124.
CASIA_B_TRAIN_SUBJECTS, CASIA_B_TEST_SUBJECTS = '1-74', '75-124'

#: Input formats of :func:`convert_gait`.
GAIT_FORMATS = ('gaitgraph-csv', 'opengait-pkl', 'folder')


def _check_options(max_person: int = 1,
                   img_shape: Optional[Sequence[int]] = None) -> None:
    if max_person < 1:
        raise ConversionError(f'max_person must be >= 1, got {max_person}')
    if img_shape is not None and (len(img_shape) != 2 or min(img_shape) <= 0):
        raise ConversionError(
            f'img_shape must be two positive numbers (h, w), got {img_shape}')


def convert_ntu(raw_dir: str,
                dataset: str = 'ntu60',
                mode: str = '3d',
                max_person: int = 2,
                skip_bad: bool = False) -> ConversionResult:
    """Convert a folder (not searched recursively) of NTU ``.skeleton`` files.

    Labels are the action numbers minus one; the splits are the official
    benchmarks (:func:`~.splits.ntu_splits`).

    Args:
        raw_dir (str): The folder.
        dataset (str): ``'ntu60'`` or ``'ntu120'``. Defaults to ``'ntu60'``.
        mode (str): ``'3d'`` or ``'2d'`` (:mod:`.readers.ntu_skeleton`).
            Defaults to ``'3d'``.
    """
    if dataset not in NTU_NUM_CLASSES:
        raise ConversionError(f'dataset must be one of '
                              f'{sorted(NTU_NUM_CLASSES)}, got {dataset!r}')
    if mode not in ('3d', '2d'):
        raise ConversionError(f"mode must be '3d' or '2d', got {mode!r}")
    _check_options(max_person)
    num_classes = NTU_NUM_CLASSES[dataset]

    def read(path: str) -> PoseRecord:
        record = ntu_skeleton.read_ntu_record(path, mode, max_person)
        action = record.ids['action']
        if not 1 <= action <= num_classes:
            raise BadSampleError(
                path, f'unknown label: action A{action:03d} is not one of '
                f'the {num_classes} {dataset} actions',
                kind='label')
        record.label = action - 1
        return record

    policy = BadInputPolicy(skip_bad)
    checks = RecordChecks(ntu_skeleton.NUM_JOINTS, 3 if mode == '3d' else 2,
                          max_person)
    records = collect_records(
        list_files(raw_dir, '.skeleton', recursive=False), read, checks,
        policy)
    return finish(records, ntu_splits([r.name for r in records], dataset),
                  policy)


def convert_kinetics_json(json_dir: str,
                          label_map_file: Optional[str] = None,
                          max_person: int = 2,
                          img_shape: Sequence[int] = kinetics_json.IMG_SHAPE,
                          split: Optional[str] = None,
                          skip_bad: bool = False) -> ConversionResult:
    """Convert a folder (searched recursively) of Kinetics-Skeleton JSON.

    Args:
        json_dir (str): The folder, e.g. with ``train/`` and ``val/``.
        label_map_file (str, optional): See
            :meth:`~.labels.LabelResolver.from_kinetics_map`; None uses
            each clip's ``label_index``. Defaults to None.
        split (str, optional): Put every clip in this split. None names the
            split after the sub-folder (:func:`~.splits.split_name`).
            Defaults to None.
    """
    _check_options(max_person, img_shape)
    resolve_label = LabelResolver.from_kinetics_map(label_map_file)
    paths = list_files(json_dir, '.json')  # a label table reads as None

    def read(path: str) -> Optional[PoseRecord]:
        record = kinetics_json.read_kinetics_record(path, max_person,
                                                    img_shape)
        if record is not None:
            record.label = resolve_label(path, record.ids)
        return record

    policy = BadInputPolicy(skip_bad)
    checks = RecordChecks(
        kinetics_json.NUM_JOINTS, 2, max_person, image_margin=0.5)
    records = collect_records(paths, read, checks, policy)
    splits: Dict[str, List[str]] = {}
    for record in records:
        name = split or split_name(record.source, json_dir)
        splits.setdefault(name, []).append(record.name)
    return finish(records, splits, policy)


def convert_coco_json(pose_dir: str,
                      labels_csv: Optional[str] = None,
                      label_pattern: Optional[str] = None,
                      class_names: Optional[str] = None,
                      splits_file: Optional[str] = None,
                      max_person: int = 2,
                      img_shape: Optional[Sequence[int]] = None,
                      skip_bad: bool = False) -> ConversionResult:
    """Convert a folder (searched recursively) of COCO-17 pose JSON files.

    Labels come from ``labels_csv`` or ``label_pattern``, names mapped by
    ``class_names`` (:class:`~.labels.LabelResolver`). ``splits_file`` has
    lines ``split_name file_name`` (:func:`~.splits.read_splits_file`);
    without it every sample goes to split ``'all'``. Without ``img_shape``
    ``PreNormalize2D`` assumes 1080x1920.
    """
    _check_options(max_person, img_shape)
    resolve_label = LabelResolver.from_label_files(labels_csv, label_pattern,
                                                   class_names)
    splits = read_splits_file(splits_file) if splits_file else None
    paths = list_files(pose_dir, '.json')

    def read(path: str) -> PoseRecord:
        label = resolve_label(path)
        record = coco_json.read_coco_record(path, max_person, img_shape)
        record.label = label
        return record

    policy = BadInputPolicy(skip_bad)
    checks = RecordChecks(coco_json.NUM_JOINTS, 2, max_person)
    records = collect_records(paths, read, checks, policy)
    if splits is None:
        split = dict(all=[r.name for r in records])
    else:
        split = resolve_splits(splits, records,
                               [e.path for e in policy.skipped], splits_file)
    return finish(records, split, policy)


def split_by_subject(records: List[PoseRecord], train: IdRanges,
                     test: IdRanges) -> tuple:
    """Label by training subject (``0..K-1`` in subject order; test
    subjects ``-1``), split train/test, drop and count other subjects.

    Returns:
        tuple: The kept records, sorted by subject, condition, view and
        name; the split; the number dropped.
    """
    kept, dropped = [], []
    for record in records:
        sid = record.fields['subject_id']
        if not sid.isdigit():
            raise ConversionError(
                f'sample {record.name}: subject {sid!r} is not an integer, '
                'so it cannot be split by subject ranges')
        if int(sid) in train or int(sid) in test:
            kept.append(record)
        else:
            dropped.append(record.name)
    if dropped:
        warn(f'dropped {len(dropped)} sequences whose subject is in neither '
             f'train ({train.text}) nor test ({test.text}), e.g. '
             f'{dropped[0]}')
    if not kept:
        raise ConversionError(f'no sequence has a subject in train '
                              f'({train.text}) or test ({test.text})')
    kept.sort(key=lambda r: (int(r.fields['subject_id']), r.fields[
        'condition'], r.fields['view'], r.name))
    label_by_subject(kept, lambda r: int(r.fields['subject_id']) in train)
    split: Dict[str, List[str]] = dict(train=[], test=[])
    for record in kept:
        split['train' if record.label >= 0 else 'test'].append(record.name)
    for name, names in split.items():
        if not names:
            warn(f'split {name!r} is empty')
    return kept, split, len(dropped)


def convert_gait(src: str,
                 fmt: str,
                 pattern: Optional[str] = None,
                 train_subjects: str = CASIA_B_TRAIN_SUBJECTS,
                 test_subjects: str = CASIA_B_TEST_SUBJECTS,
                 img_shape: Optional[Sequence[int]] = None,
                 seq_start: Optional[int] = None,
                 skip_bad: bool = False) -> ConversionResult:
    """Convert gait pose data to a pickle with splits ``train``/``test``.

    One person per sequence (``M = 1``), COCO-17 in pixels, with the fields
    ``subject_id`` (``'075'``), ``condition`` (``'nm-05'``), ``view``
    (``'090'``) and, from PsyMo names, ``direction``; labels and splits by
    :func:`split_by_subject`.

    Args:
        src (str): The GaitGraph CSV file, or the root folder of the
            other formats.
        fmt (str): ``'gaitgraph-csv'`` (:mod:`.readers.gaitgraph_csv`),
            ``'opengait-pkl'`` (:mod:`.readers.opengait_pkl`) or
            ``'folder'``: per-sequence AlphaPose/MMPose JSON
            (:mod:`.readers.coco_json`) whose names give the IDs.
        pattern (str, optional): The ``'folder'`` format's file-name regex
            or preset (:class:`~.identifiers.FolderNameParser`).
        train_subjects, test_subjects (str): Subject ranges, e.g.
            ``'1-74'`` and ``'75-124'`` (CASIA-B, the defaults).
        img_shape (Sequence[int], optional): None means (240, 320)
            (CASIA-B), for the folder format (1080, 1920) (PsyMo).
        seq_start (int, optional): See
            :class:`~.identifiers.FolderNameParser`.
    """
    if fmt not in GAIT_FORMATS:
        raise ConversionError(
            f'unknown format {fmt!r}; choose from {GAIT_FORMATS}')
    if (pattern is None) == (fmt == 'folder'):
        raise ConversionError(
            'the folder format needs a pattern; the others take none')
    if img_shape is None:
        # the videos of PsyMo (1920x1080) and CASIA-B (320x240)
        img_shape = (1080, 1920) if fmt == 'folder' else (240, 320)
    _check_options(1, img_shape)
    img_shape = tuple(int(x) for x in img_shape)
    train, test = IdRanges(train_subjects), IdRanges(test_subjects)
    if train.overlaps(test):
        raise ConversionError(f'train subjects {train.text!r} and test '
                              f'subjects {test.text!r} overlap')
    counts = {}
    if fmt == 'gaitgraph-csv':
        sources = [src]

        def read(path):
            return gaitgraph_csv.read_gaitgraph_csv(path, img_shape)
    elif fmt == 'opengait-pkl':
        folders = dict(opengait_pkl.opengait_files(src))
        sources = list(folders)

        def read(path):
            return opengait_pkl.read_opengait_record(path, folders[path],
                                                     img_shape)
    else:
        parser = FolderNameParser(pattern, seq_start)
        groups = parser.scan(src)
        sources = list(groups)
        counts['unmatched_files'] = parser.unmatched

        def read(path):
            fields = parser.ids(path, groups[path])
            record = coco_json.read_coco_record(path, 1, img_shape)
            record.fields = fields
            return record

    policy = BadInputPolicy(skip_bad)
    checks = RecordChecks(coco_json.NUM_JOINTS, 2, 1)
    records = collect_records(sources, read, checks, policy)
    records, split, dropped = split_by_subject(records, train, test)
    counts['outside_split'] = dropped
    return finish(records, split, policy, counts)


def convert_reid_npy(root: str,
                     dataset: str,
                     frames: int = 6,
                     probe: Optional[str] = None,
                     gallery: Optional[str] = None,
                     reorder_kgbd: bool = True,
                     skip_bad: bool = False) -> ConversionResult:
    """Convert a TranSG-style re-ID npy tree (:mod:`.readers.reid_npy`).

    Splits ``train``, ``test`` (probe + gallery, for one test loader
    feeding ``ReIDRetrievalMetric``, which tells them apart by ``role``),
    ``probe`` and ``gallery``. Training IDs get ``0..K-1``, probe and
    gallery samples ``-1`` (the metric matches on ``subject_id``).

    Args:
        root (str): ``Datasets/<DATASET>/<f>`` (or a folder below or above).
        dataset (str): ``'KS20'``, ``'KGBD'``, ``'IAS'`` or ``'BIWI'``.
        frames (int): The sequence length ``f``. Defaults to 6.
        probe, gallery (str, optional): Test subsets; default the
            dataset's usual probe and the gallery TranSG pairs with it.
        reorder_kgbd (bool): Map KGBD joints to the Kinect v1 order.
            Defaults to True.
    """
    if dataset not in reid_npy.DATASET_JOINTS:
        raise ConversionError(f'unknown dataset {dataset!r}; choose one of '
                              f'{sorted(reid_npy.DATASET_JOINTS)}')
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
        raise ConversionError(f'frames must be a positive int, got '
                              f'{frames!r}')
    pairs = reid_npy.PROBE_GALLERY[dataset]
    probe = next(iter(pairs)) if probe is None else probe
    if gallery is None:
        if probe not in pairs:
            raise ConversionError(
                f'{dataset} has no probe subset {probe!r}; choose one of '
                f'{sorted(pairs)} or name the gallery')
        gallery = pairs[probe]
    if probe == gallery:
        raise ConversionError(f'probe and gallery are both {probe!r}')
    data_root = reid_npy.find_data_root(root, dataset, frames)
    subsets = dict(train=None, probe=probe, gallery=gallery)
    policy = BadInputPolicy(skip_bad)
    records = collect_records(
        subsets.items(), lambda item: reid_npy.read_reid_subset(
            data_root, dataset, frames, item[1], item[0], reorder_kgbd),
        RecordChecks(reid_npy.DATASET_JOINTS[dataset], 3, 1), policy)
    label_by_subject(records, lambda r: r.fields['role'] == 'train')
    split: Dict[str, List[str]] = dict(train=[], test=[], probe=[], gallery=[])
    for record in records:
        split[record.fields['role']].append(record.name)
    split['test'] = split['probe'] + split['gallery']
    return finish(records, split, policy)


def load_layout(layout: Union[str, Dict, SkeletonLayout]) -> SkeletonLayout:
    """A layout: a name of :data:`aclnet_mm.layouts.LAYOUTS`, a JSON file
    holding a layout dict (:meth:`~aclnet_mm.layouts.SkeletonLayout.\
from_dict`), a dict or a :class:`~aclnet_mm.layouts.SkeletonLayout`.

    Raises:
        ConversionError: On an unknown name, an unreadable file or a bad
            layout dict.
    """
    where = 'layout'
    if isinstance(layout, str) and layout not in LAYOUTS:
        if not osp.isfile(layout):
            raise ConversionError(
                f'layout {layout!r} is neither a layout name '
                f'({", ".join(sorted(LAYOUTS))}) nor a JSON file')
        where = layout
        try:
            with open(layout, encoding='utf-8') as f:
                layout = json.load(f)
        except (OSError, UnicodeDecodeError) as err:
            raise ConversionError(f'{where}: cannot be read ({err})') \
                from None
        except json.JSONDecodeError as err:
            raise ConversionError(f'{where}, line {err.lineno}: invalid '
                                  f'JSON: {err.msg}') from None
    try:
        return get_layout(layout)
    except (TypeError, ValueError) as err:
        raise ConversionError(f'{where}: {err}') from None


def convert_arrays(src: str,
                   layout: Union[str, Dict, SkeletonLayout],
                   keypoint_key: Optional[str] = None,
                   label_key: Optional[str] = None,
                   score_key: Optional[str] = None,
                   name_key: Optional[str] = None,
                   split_key: Optional[str] = None,
                   subject_key: Optional[str] = None,
                   train_subjects: Optional[str] = None,
                   test_subjects: Optional[str] = None,
                   splits_file: Optional[str] = None,
                   class_names: Optional[str] = None,
                   class_names_key: Optional[str] = None,
                   img_shape: Optional[Sequence[int]] = None,
                   skip_bad: bool = False) -> ConversionResult:
    """Convert skeletons held as NumPy arrays (:mod:`.readers.numpy_arrays`).

    Labels are the label array's integers, or its strings mapped by the
    class names (``class_names``, a file with one name per line, else the
    file's class-name array); class names also bound the integers. The
    split is at most one of: ``split_key`` (a boolean array, True:
    ``train``, False: ``test``, or an array of split names);
    ``train_subjects`` (ranges of the ``subject_key`` IDs, e.g.
    ``'1-15'``: ``train``; ``test_subjects``, or every other subject:
    ``test``; subjects in neither are dropped and counted as
    ``outside_split``); ``splits_file`` (lines ``split_name sample_name``,
    :func:`~.splits.read_splits_file`); none: one split ``all``.
    ``subject_key`` also stores each subject as ``subject_id``.

    Args:
        src (str): An ``.npz`` file or a folder of ``<key>.npy`` files.
        layout (str | dict | SkeletonLayout): See :func:`load_layout`;
            its joint count is checked, and for a layout whose third
            channel is a score, channel 2 becomes ``keypoint_score``.
        keypoint_key, label_key, score_key, name_key, class_names_key
            (str, optional): Array names; None tries the defaults of
            :data:`.readers.numpy_arrays.DEFAULT_KEYS`.
    """
    rules = [r for r in (split_key, train_subjects, splits_file) if r]
    if len(rules) > 1:
        raise ConversionError('give at most one split rule: split_key, '
                              'train_subjects or splits_file')
    if train_subjects and subject_key is None:
        raise ConversionError('train_subjects needs subject_key, the array '
                              'of subject IDs')
    if test_subjects and not train_subjects:
        raise ConversionError('test_subjects needs train_subjects')
    if class_names is not None and class_names_key is not None:
        raise ConversionError('give class names as a file (class_names) or '
                              'as an array (class_names_key), not both')
    _check_options(1, img_shape)
    skeleton = load_layout(layout)
    train = IdRanges(train_subjects) if train_subjects else None
    test = IdRanges(test_subjects) if test_subjects else None
    if train and test and train.overlaps(test):
        raise ConversionError(f'train subjects {train.text!r} and test '
                              f'subjects {test.text!r} overlap')
    arrays = numpy_arrays.read_arrays(
        src,
        skeleton.num_node,
        keypoint_key=keypoint_key,
        label_key=label_key,
        score_key=score_key,
        name_key=name_key,
        split_key=split_key,
        subject_key=subject_key,
        class_names_key=class_names_key,
        score_channel=skeleton.score_channel)
    where = f'{arrays.keys["label"]!r} of {src}'
    resolve_label = LabelResolver(lambda path, ids: (ids['label'], where),
                                  class_names)
    if class_names is None and arrays.class_names is not None:
        # the file's own class names, as LabelResolver keeps a file's
        resolve_label.names = {n: i for i, n in enumerate(arrays.class_names)}
        resolve_label.class_file = (f'{src} ({arrays.keys["class_names"]!r}'
                                    ')')

    def read(index: int) -> PoseRecord:
        record = arrays.record(index)
        record.label = resolve_label(record.source, record.ids)
        if img_shape is not None:
            record.img_shape = tuple(int(x) for x in img_shape)
        return record

    policy = BadInputPolicy(skip_bad)
    checks = RecordChecks(skeleton.num_node, arrays.num_channels)
    records = collect_records(range(len(arrays)), read, checks, policy)
    counts = {}
    if split_key:
        split = dict(train=[], test=[]) if arrays.split_is_bool else {}
        for record in records:
            split.setdefault(record.ids['split'], []).append(record.name)
    elif train:
        split, kept, dropped = dict(train=[], test=[]), [], []
        for record in records:
            sid = record.ids['subject']
            if sid in train:
                split['train'].append(record.name)
            elif test is None or sid in test:
                split['test'].append(record.name)
            else:
                dropped.append(record)
                continue
            kept.append(record)
        if dropped:
            first = dropped[0]
            warn(f'dropped {len(dropped)} samples whose subject is in '
                 f'neither train ({train.text}) nor test ({test.text}), '
                 f'e.g. {first.name} (subject {first.ids["subject"]})')
        records, counts['outside_split'] = kept, len(dropped)
    elif splits_file:
        index = {arrays.source(i): i for i in range(len(arrays))}
        skipped = [arrays.names[index[e.path]] for e in policy.skipped]
        split = resolve_splits(
            read_splits_file(splits_file), records, skipped, splits_file)
    else:
        split = dict(all=[r.name for r in records])
    for name, names in split.items():
        if not names:
            warn(f'split {name!r} is empty')
    return finish(records, split, policy, counts)
