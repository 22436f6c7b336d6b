"""Fixtures shared by the converter tests."""
import logging

import pytest
from mmengine.logging import MMLogger


class _Warnings(logging.Handler):
    """Collects the WARNING messages of MMEngine's current logger."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def warnings():
    """The WARNING messages logged while the test runs."""
    logger = MMLogger.get_current_instance()
    handler = _Warnings()
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)
