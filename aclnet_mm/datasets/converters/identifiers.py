"""Identifiers in names: subject / view IDs, ID ranges, file-name patterns."""
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .errors import BadSampleError, ConversionError, warn
from .source_files import list_files

#: File-name regexes of the folder format, by preset name.
PATTERN_PRESETS = {
    # PsyMo: <ID>_<view>_<direction>_<run>_<condition>.json
    'psymo': (r'^(?P<subject>\d{3})_(?P<view>\d{2})_(?P<direction>\d)_'
              r'(?P<seq>\d)_(?P<condition>[a-z]+)\.json$'),
    # CASIA-B video names: <sid>-<cond>-<seq>-<view>.json
    'casia-b': (r'^(?P<subject>\d{3})-(?P<condition>[a-z]{2})-'
                r'(?P<seq>\d{2})-(?P<view>\d{3})\.json$'),
}


def normalize_id(value: str) -> str:
    """Zero-pad an all-digit subject or view ID to 3 digits; keep any other
    ID as is.

    Examples:
        >>> normalize_id('90'), normalize_id('1234'), normalize_id('nm')
        ('090', '1234', 'nm')
    """
    return f'{int(value):03d}' if value.isdigit() else value


def gait_fields(subject: str, condition: str, view: str) -> Dict[str, str]:
    """``subject_id``, ``condition`` and ``view`` (IDs normalised), in
    this order: ``'-'.join`` of the values is the CASIA-B name."""
    return dict(
        subject_id=normalize_id(subject),
        condition=condition,
        view=normalize_id(view))


def label_by_subject(records: Sequence, is_train: Callable) -> None:
    """The rule for gait and re-ID, labelling ``records`` in place: the
    subjects (``subject_id``) of the records where ``is_train`` holds get
    labels ``0..K-1`` in numeric (else string) order; the others ``-1``.

    Examples:
        >>> from types import SimpleNamespace as R
        >>> rs = [R(fields=dict(subject_id=s)) for s in ('10', '2', '7')]
        >>> label_by_subject(rs, lambda r: r.fields['subject_id'] != '7')
        >>> [r.label for r in rs]
        [1, 0, -1]
    """
    train = [is_train(r) for r in records]
    ids = sorted({r.fields['subject_id'] for r, t in zip(records, train) if t})
    if all(i.lstrip('-').isdigit() for i in ids):
        ids.sort(key=int)
    labels = {sid: label for label, sid in enumerate(ids)}
    for record, t in zip(records, train):
        record.label = labels[record.fields['subject_id']] if t else -1


class IdRanges:
    """A set of integer subject IDs written as ranges, e.g. ``'1-59,60-74'``.

    Args:
        text (str): Comma-separated items, each ``'a-b'`` (both ends
            included) or a single integer.

    Examples:
        >>> ranges = IdRanges('1-74')
        >>> 74 in ranges, 75 in ranges
        (True, False)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.ranges: List[Tuple[int, int]] = []
        for item in str(text).split(','):
            match = re.fullmatch(r'\s*(\d+)\s*(?:-\s*(\d+)\s*)?', item)
            if match is None:
                raise ConversionError(
                    f'bad subject range {item!r} in {text!r}: expected '
                    '"a-b" or "a", comma-separated')
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if high < low:
                raise ConversionError(
                    f'bad subject range {item!r} in {text!r}: end < start')
            self.ranges.append((low, high))

    def __contains__(self, subject: int) -> bool:
        return any(low <= subject <= high for low, high in self.ranges)

    def overlaps(self, other: 'IdRanges') -> bool:
        """Whether some ID is in both ``self`` and ``other``."""
        return any(a <= d and c <= b for a, b in self.ranges
                   for c, d in other.ranges)


class FolderNameParser:
    """Read subject, condition and view from a pose file's name.

    Args:
        pattern (str): A regex (or a key of :data:`PATTERN_PRESETS`)
            matched with ``re.search`` on the file name (no folder), with
            the named groups ``subject``, ``view`` and ``condition``, and
            optionally ``seq`` and ``direction``.
        seq_start (int, optional): The ``seq`` number of a condition's
            first run: run ``seq`` becomes ``<condition>-<seq - seq_start
            + 1:02d>``. None means the smallest ``seq`` of the matched
            files. Defaults to None.

    Raises:
        ConversionError: On a bad regex or a missing group.
    """

    REQUIRED = ('subject', 'view', 'condition')

    def __init__(self, pattern: str, seq_start: Optional[int] = None) -> None:
        self.pattern_text = PATTERN_PRESETS.get(pattern, pattern)
        try:
            self.pattern = re.compile(self.pattern_text)
        except re.error as err:
            raise ConversionError(f'bad pattern {pattern!r}: {err}') from None
        missing = [
            g for g in self.REQUIRED if g not in self.pattern.groupindex
        ]
        if missing:
            raise ConversionError(
                f'pattern {self.pattern_text!r} lacks the named groups '
                f'{missing} (needs (?P<subject>...), (?P<view>...), '
                '(?P<condition>...); (?P<seq>...) and (?P<direction>...) '
                'are optional)')
        self.seq_start = seq_start
        self.unmatched = 0

    def scan(self, root: str) -> Dict[str, Dict[str, str]]:
        """The name groups of every ``.json`` file under ``root`` that
        matches; the others are counted in :attr:`unmatched` and warned
        about. Sets ``seq_start``, if None, to the smallest ``seq`` found.

        Raises:
            ConversionError: If no file matches.
        """
        found, unmatched = {}, []
        for path in list_files(root, '.json'):
            match = self.pattern.search(osp.basename(path))
            if match is None:
                unmatched.append(path)
            else:
                found[path] = {
                    k: v
                    for k, v in match.groupdict().items() if v is not None
                }
        self.unmatched = len(unmatched)
        if unmatched:
            warn(f'{len(unmatched)} .json files do not match the pattern '
                 f'{self.pattern_text!r} and are ignored, e.g. {unmatched[0]}')
        if not found:
            raise ConversionError(f'no .json file in {root} matches the '
                                  f'pattern {self.pattern_text!r}')
        if self.seq_start is None:
            self.seq_start = min(
                (int(g['seq'])
                 for g in found.values() if g.get('seq', '').isdigit()),
                default=1)
        return found

    def ids(self, path: str, groups: Dict[str, str]) -> Dict[str, str]:
        """``subject_id``, ``condition``, ``view`` (and ``direction``).

        Raises:
            BadSampleError: If a group is empty or ``seq`` is not a
                number >= ``seq_start``.
        """
        for key in self.REQUIRED:
            if not groups.get(key):
                raise BadSampleError(
                    path, f'the file name gives no {key!r} (pattern '
                    f'{self.pattern_text!r})')
        condition = groups['condition']
        if 'seq' in groups:
            seq = groups['seq']
            start = self.seq_start  # set by scan()
            if not seq.isdigit() or int(seq) < start:
                raise BadSampleError(
                    path, f'seq {seq!r} is not an integer >= seq_start '
                    f'{start}')
            condition = f'{condition}-{int(seq) - start + 1:02d}'
        ids = gait_fields(groups['subject'], condition, groups['view'])
        if groups.get('direction'):
            ids['direction'] = groups['direction']
        return ids
