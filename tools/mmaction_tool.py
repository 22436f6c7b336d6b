"""Run one of the tools packaged with MMAction2, with aclnet_mm loaded first.

MMAction2's own scripts (``.mim/tools/...`` inside the package) import
``mmaction.models`` before anything else, which fails on the mmaction2
1.2.0 wheel (its ``localizers/drn`` folder is missing) unless aclnet_mm's
compatibility shims run first, and they do not know ACLNet's modules.
This runs the named script as ``__main__`` after ``import aclnet_mm``:

    python tools/mmaction_tool.py analysis_tools/confusion_matrix.py \\
        configs/aclnet_demo.py result.pkl --show-path confusion.png
    python tools/mmaction_tool.py analysis_tools/analyze_logs.py \\
        plot_curve work_dirs/x/<time>/vis_data/<time>.json --keys loss_cls
"""
import os
import runpy
import sys

import aclnet_mm  # noqa: F401  (shims + registration, before mmaction)


def main() -> None:
    import mmaction
    tools = os.path.join(os.path.dirname(mmaction.__file__), '.mim', 'tools')
    if len(sys.argv) >= 2 and sys.argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        print(f'\nSCRIPT is a path relative to {tools}')
        return
    if len(sys.argv) < 2:
        raise SystemExit(f'usage: {sys.argv[0]} SCRIPT [ARGS...], SCRIPT '
                         f'relative to {tools}')
    script = os.path.join(tools, sys.argv[1])
    if not os.path.isfile(script):
        raise SystemExit(f'{sys.argv[1]} is not one of MMAction2\'s tools '
                         f'(looked in {tools})')
    sys.argv = [script] + sys.argv[2:]
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main()
