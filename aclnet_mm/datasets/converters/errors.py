"""The two ways a conversion fails (one bad sample, or the whole run), and
the one way it reports what it leaves out (a warning)."""
import logging
from typing import Optional

from mmengine.logging import print_log


def warn(message: str) -> None:
    """Log ``message`` as a warning on MMEngine's current logger."""
    print_log(message, logger='current', level=logging.WARNING)


class ConversionError(ValueError):
    """A problem that stops the whole run (not one sample)."""


class BadSampleError(ValueError):
    """An input sample that cannot be converted.

    Args:
        path (str): The file at fault.
        reason (str): What is wrong.
        line (int, optional): 1-based line number in a text file.
            Defaults to None.
        frame (int | str, optional): The frame at fault (as numbered by the
            input format). Defaults to None.
        kind (str): The class of problem, the key of the skip counts:
            ``'unreadable'`` (the file does not parse) or one of the checks
            of :mod:`.assembly`. Defaults to ``'unreadable'``.
    """

    def __init__(self,
                 path: str,
                 reason: str,
                 line: Optional[int] = None,
                 frame: Optional[object] = None,
                 kind: str = 'unreadable') -> None:
        self.path = path
        self.reason = reason
        self.kind = kind
        where = str(path)
        if line is not None:
            where += f', line {line}'
        if frame is not None:
            where += f', frame {frame}'
        super().__init__(f'{where}: {reason}')
