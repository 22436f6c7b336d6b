"""tools/analysis/check_reference_conversion.py without the reference."""
import os

import pytest
from tool_loader import load_tool

ROOT = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_folder_that_is_not_the_reference_is_named(tmp_path):
    tool = load_tool(
        os.path.join(ROOT, 'tools', 'analysis',
                     'check_reference_conversion.py'))
    with pytest.raises(SystemExit) as info:
        tool.main(['--ref-dir', str(tmp_path)])
    assert str(info.value) == (
        f'--ref-dir {tmp_path}: aclnet/models/gcns/gcn_module.py not found '
        '(give the root of a checkout of firework8/ACLNet)')
