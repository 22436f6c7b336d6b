"""tools/mmaction_tool.py runs MMAction2's packaged tools after aclnet_mm."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'mmaction_tool.py'


def _run(*args):
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [str(ROOT)] + [p for p in [env.get('PYTHONPATH')] if p])
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True,
                          timeout=300)


def test_runs_a_packaged_tool_on_our_config():
    proc = _run('analysis_tools/print_config.py',
                str(ROOT / 'configs' / 'aclnet_demo.py'))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'SyntheticActionDataset' in proc.stdout
    assert 'SuperclassStatsHook' in proc.stdout


def test_unknown_tool_is_one_clear_line():
    proc = _run('analysis_tools/no_such_tool.py')
    assert proc.returncode != 0
    assert "is not one of MMAction2's tools" in proc.stderr
    assert 'Traceback' not in proc.stderr
